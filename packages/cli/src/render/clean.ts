import { escapeControls } from './escape';
import { stringifyJson, type JsonValue } from './json';

/**
 * What `mmstats clean` did with one file: `removed` (or `would-remove` with `--dry-run`) a file of
 * a dead process, `kept` a file of a live one, `skipped` anything it does not delete on principle
 * (not an mmstats file, no `sys.pid`, a symlink, a directory), `failed` a removal that did not
 * work or a named file that could not be read.
 */
export type CleanAction = 'removed' | 'would-remove' | 'kept' | 'skipped' | 'failed';

/**
 * What a file was taken for: a `stats` file, or the `temporary` file a writer builds one under
 * (SPEC.md §10), which is judged by the pid in its name.
 */
export type CleanKind = 'stats' | 'temporary';

/** One file's outcome, in one line of text or one JSON object. */
export interface CleanResult {
  /** The name as given or found. */
  readonly file: string;
  /** Defaults to `stats`. */
  readonly kind?: CleanKind;
  readonly action: CleanAction;
  /** Why, in words: `pid 123 is gone`, `symlink`, `not an mmstats file: …`. */
  readonly reason: string;
  /** The process the file names, when it names one. */
  readonly pid?: number;
}

/** How many files ended each way; `removed` counts `would-remove` too. */
export interface CleanCounts {
  readonly removed: number;
  readonly alive: number;
  readonly skipped: number;
  readonly failed: number;
}

/** Counts of a run's results. */
export function countResults(results: readonly CleanResult[]): CleanCounts {
  const count = (...actions: CleanAction[]) => results.filter((r) => actions.includes(r.action)).length;
  return { removed: count('removed', 'would-remove'), alive: count('kept'), skipped: count('skipped'), failed: count('failed') };
}

/**
 * `removed  /tmp/x.mmstats (pid 123 is gone)`: the action in a column as wide as the mode's
 * longest. File names and reasons may hold text from other processes: control characters are
 * shown escaped (`escapeControls`).
 */
export function renderCleanLine(result: CleanResult, dryRun: boolean): string {
  const label = result.action === 'would-remove' ? 'would remove' : result.action;
  return `${label.padEnd(dryRun ? 14 : 9)}${escapeControls(result.file)} (${escapeControls(result.reason)})\n`;
}

/** `Removed 1  -  2 alive  -  1 skipped  -  0 failed` (`Would remove 1 …` with `--dry-run`). */
export function renderCleanSummary(counts: CleanCounts, dryRun: boolean): string {
  const parts = [
    `${dryRun ? 'Would remove' : 'Removed'} ${counts.removed}`,
    `${counts.alive} alive`,
    `${counts.skipped} skipped`,
    `${counts.failed} failed`,
  ];
  return parts.join('  -  ') + '\n';
}

/**
 * The `--json` document: `{"dryRun", "files": [{file, kind, action, reason, pid}], "removed",
 * "alive", "skipped", "failed"}`; `pid` is null for files that name no process.
 */
export function renderCleanJson(results: readonly CleanResult[], dryRun: boolean): string {
  const files: JsonValue[] = results.map((r) => ({ file: r.file, kind: r.kind ?? 'stats', action: r.action, reason: r.reason, pid: r.pid ?? null }));
  const counts = countResults(results);
  return stringifyJson({ dryRun, files, ...counts }) + '\n';
}

/** A Unix time as ISO 8601 UTC to the second: `2026-05-01T12:00:00Z`. */
export function formatUnixTime(seconds: number): string {
  const date = new Date(Math.floor(seconds) * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
