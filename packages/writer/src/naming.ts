import { tmpdir } from 'node:os';
import { basename, extname, resolve } from 'node:path';
import { threadIdentity } from './identity';

/**
 * The file name template used when neither the `filename` option nor `$MMSTATS_FILES` is set.
 * `{NSID}` keeps apart writers of equal pid and tid in different PID namespaces (containers) or on
 * different hosts that share the directory.
 */
export const DEFAULT_FILENAME_TEMPLATE = '{CMD}-{PID}-{TID}-{NSID}.mmstats';

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
 * Expands a file name template: `{CMD}`, `{PID}`, `{TID}` (the kernel's thread id, equal to the pid
 * on the main thread) and `{NSID}` (eight hex digits naming the PID namespace and boot, SPEC.md
 * §10); the original mmstats spellings `%PID%` and `%TID%` work too. Without `nsid`, `{NSID}` is left as it is.
 */
export function expandFilename(template: string, values: { cmd: string; pid: number; tid: number; nsid?: string }): string {
  const expanded = template
    .replace(/\{CMD\}/g, values.cmd)
    .replace(/\{PID\}|%PID%/g, String(values.pid))
    .replace(/\{TID\}|%TID%/g, String(values.tid));
  return values.nsid === undefined ? expanded : expanded.replace(/\{NSID\}/g, values.nsid);
}

/** Where a stats object with these options writes: an absolute path. */
export function resolveStatsPath(options: { path?: string; filename?: string }, env: Env = process.env): string {
  const directory = options.path ?? defaultDirectory(env);
  const template = options.filename ?? (env.MMSTATS_FILES || DEFAULT_FILENAME_TEMPLATE);
  const { tid, namespaceId } = threadIdentity();
  const name = expandFilename(template, { cmd: commandName(), pid: process.pid, tid, nsid: namespaceId });
  return resolve(directory, name);
}
