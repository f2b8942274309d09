/**
 * One read shared by every request that asks while it is under way ("single flight"): a hundred
 * scrapes arriving together cost one read of the files, not a hundred, and hold one result in
 * memory, not a hundred. A request that arrives after a read finished starts a new one, so an
 * answer is never older than the read under way when its request came in.
 */
export class SharedRead<T> {
  private pending: Promise<T> | undefined;

  constructor(private readonly read: () => Promise<T>) {}

  /** The result of the read under way, or of a new one if none is. */
  get(): Promise<T> {
    if (this.pending === undefined) {
      const started = this.read();
      this.pending = started;
      const clear = () => {
        if (this.pending === started) this.pending = undefined;
      };
      started.then(clear, clear);
    }
    return this.pending;
  }
}
