import { UsageError } from '../errors';

/** A request the web server refuses: bad query parameters or path. Answered with a 400 and a JSON error. */
export class BadRequestError extends UsageError {
  /** The HTTP status the request gets. */
  readonly status: number;

  constructor(message: string, status = 400) {
    super(message);
    this.status = status;
  }
}
