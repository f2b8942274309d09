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

/** Default of `AnswerMemo`'s capacity: different answers kept per read. */
export const DEFAULT_ANSWERS_PER_READ = 16;

/**
 * Answers computed from one read, kept as long as the read itself is referenced (a `WeakMap`
 * keyed by it), at most `capacity` per read: requests choose the keys, and a request for yet
 * another answer is then computed without being kept.
 */
export class AnswerMemo<R extends object, A> {
  private readonly byRead = new WeakMap<R, Map<string, A>>();

  constructor(private readonly capacity = DEFAULT_ANSWERS_PER_READ) {}

  /** The answer kept for `read` and `key`, else `compute()` (kept if there is room). */
  get(read: R, key: string, compute: () => A): A {
    let answers = this.byRead.get(read);
    if (answers === undefined) this.byRead.set(read, (answers = new Map()));
    const kept = answers.get(key);
    if (kept !== undefined) return kept;
    const answer = compute();
    if (answers.size < this.capacity) answers.set(key, answer);
    return answer;
  }
}
