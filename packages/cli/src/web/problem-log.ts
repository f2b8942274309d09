/** Most problems `ProblemLog` remembers by default; past that, the oldest is forgotten. */
export const DEFAULT_PROBLEM_LOG_SIZE = 1000;

/**
 * Logs each problem once while it lasts: one entry per subject (a file name), holding the last
 * message logged for it. The same message again is not logged; a new message for the subject is,
 * and so is the old one after `resolve` said the problem went away. Requests name the subjects
 * (each `glob=` can reach other files), so the entries are capped at `capacity`, the oldest
 * forgotten first: a forgotten problem may be logged again, and memory stays bounded.
 */
export class ProblemLog {
  private readonly entries = new Map<string, string>();

  constructor(
    private readonly write: (line: string) => void,
    private readonly capacity = DEFAULT_PROBLEM_LOG_SIZE,
  ) {}

  /** Logs `line` unless it is what was last logged for `subject`. */
  report(subject: string, line: string): void {
    if (this.entries.get(subject) === line) return;
    this.entries.delete(subject);
    this.entries.set(subject, line);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.write(line);
  }

  /** Forgets the problem of `subject`: it was read fine, so the next problem is news. */
  resolve(subject: string): void {
    this.entries.delete(subject);
  }

  /** How many problems are remembered. */
  get size(): number {
    return this.entries.size;
  }
}
