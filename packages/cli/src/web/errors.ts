import { UsageError } from '../errors';

/** A request the web server refuses: bad query parameters or path. Answered with a 400 and a JSON error. */
export class BadRequestError extends UsageError {}
