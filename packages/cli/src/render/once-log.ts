/** Default of `OnceLog`'s capacity: how many distinct notices are printed at most. */
export const DEFAULT_ONCE_LOG_SIZE = 1000;

/**
 * Prints each notice once for the life of the process, whatever happens in between: a value that
 * is unstable on one read and stable on the next is still named once, not at every flip (a hot
 * writer made 3,183 lines a minute that way). Memory stays bounded: after `capacity` distinct
 * notices, one last line says that further ones are not printed, and nothing more is.
 */
export class OnceLog {
  private readonly seen = new Set<string>();
  private full = false;

  constructor(
    private readonly write: (line: string) => void,
    /** The line printed once when `capacity` notices were printed, instead of any further one. */
    private readonly fullLine: string,
    private readonly capacity = DEFAULT_ONCE_LOG_SIZE,
  ) {}

  /** Prints `line` unless a notice with this `key` was printed already, or the log is full. */
  report(key: string, line: string): void {
    if (this.full || this.seen.has(key)) return;
    if (this.seen.size >= this.capacity) {
      this.full = true;
      this.write(this.fullLine);
      return;
    }
    this.seen.add(key);
    this.write(line);
  }
}
