/** Thrown by `RequestGate.run` when as many requests are waiting as it lets wait. */
export class BusyError extends Error {}

/**
 * Bounds how many requests are served at once (`maxActive`) and how many wait for a turn
 * (`maxWaiting`); one more is refused at once with `BusyError` (the server answers 503 with
 * `Retry-After`), so a flood of requests costs a bounded amount of memory instead of piling up.
 */
export class RequestGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly maxActive: number,
    readonly maxWaiting: number,
  ) {}

  /** Runs `task` once a place is free; throws `BusyError` without running it when the queue is full. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.maxActive) {
      if (this.waiting.length >= this.maxWaiting) throw new BusyError('too many requests at once');
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      // Hand the place straight to the next request waiting, or give it back.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
