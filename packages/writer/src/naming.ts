import { tmpdir } from 'node:os';
import { basename, extname, resolve } from 'node:path';
import { threadId } from 'node:worker_threads';

/** The file name template used when neither the `filename` option nor `$MMSTATS_FILES` is set. */
export const DEFAULT_FILENAME_TEMPLATE = '{CMD}-{PID}-{TID}.mmstats';

type Env = Readonly<Record<string, string | undefined>>;

/** Directory for stats files: `$MMSTATS_PATH`, else the OS temp directory. */
export function defaultDirectory(env: Env = process.env): string {
  return env.MMSTATS_PATH || tmpdir();
}

/** A short, file-name-safe name for the running program: its main script without extension. */
export function commandName(argv: readonly string[] = process.argv): string {
  const script = argv[1];
  if (!script) return 'node';
  const name = basename(script, extname(script)).replace(/[^A-Za-z0-9._-]/g, '_');
  return name || 'node';
}

/**
 * Expands a file name template: `{CMD}`, `{PID}` and `{TID}` (the worker thread id, 0 on the main
 * thread); the original mmstats spellings `%PID%` and `%TID%` work too.
 */
export function expandFilename(template: string, values: { cmd: string; pid: number; tid: number }): string {
  return template
    .replace(/\{CMD\}/g, values.cmd)
    .replace(/\{PID\}|%PID%/g, String(values.pid))
    .replace(/\{TID\}|%TID%/g, String(values.tid));
}

/** Where a stats object with these options writes: an absolute path. */
export function resolveStatsPath(options: { path?: string; filename?: string }, env: Env = process.env): string {
  const directory = options.path ?? defaultDirectory(env);
  const template = options.filename ?? (env.MMSTATS_FILES || DEFAULT_FILENAME_TEMPLATE);
  const name = expandFilename(template, { cmd: commandName(), pid: process.pid, tid: threadId });
  return resolve(directory, name);
}
