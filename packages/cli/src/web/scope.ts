import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { isInside } from '../read/confine';
import { defaultDirectory, expandGlob, FILE_PATTERN } from '../read/files';
import { compilePath, hasMagic } from '../read/glob';
import { BadRequestError } from './errors';

export { isInside } from '../read/confine';

/**
 * What `mmstats web` serves: one directory and a glob pattern relative to it. Every file the
 * server reads must lie inside `directory` and match `pattern`, whatever pattern a request names.
 */
export interface StatsScope {
  /** Absolute directory the stats files live in (as configured, symlinks not resolved). */
  readonly directory: string;
  /** The files served: a glob pattern relative to `directory`; a request's `glob=` narrows it. */
  readonly pattern: string;
}

/**
 * The scope of `mmstats web --glob G`: without `G`, `$MMSTATS_GLOB`, else `*.mmstats` in
 * `$MMSTATS_PATH` or the temp directory (the files `mmstats slurp` reads with no arguments). The
 * directory of a pattern is its leading segments without glob characters (`/run/app` for
 * `/run/app/*\/stats-*.mmstats`); a directory stands for its `*.mmstats` files and a plain file
 * name for itself.
 */
export async function resolveScope(glob: string | undefined, env: Record<string, string | undefined>, cwd: string): Promise<StatsScope> {
  const configured = glob || env.MMSTATS_GLOB;
  if (!configured) return { directory: path.resolve(cwd, defaultDirectory(env)), pattern: FILE_PATTERN };
  const absolute = path.resolve(cwd, configured);
  if (!hasMagic(configured)) {
    const stats = await fs.stat(absolute).catch(() => undefined);
    if (stats?.isDirectory()) return { directory: absolute, pattern: FILE_PATTERN };
    return { directory: path.dirname(absolute), pattern: path.basename(absolute) };
  }
  const segments = absolute.split('/').filter((segment) => segment !== '');
  const firstMagic = segments.findIndex((segment) => hasMagic(segment));
  return { directory: '/' + segments.slice(0, firstMagic).join('/'), pattern: segments.slice(firstMagic).join('/') };
}

/**
 * Checks a pattern a request names (`glob=`): it must be relative to the stats directory and may
 * not climb out of it. Absolute paths, `..` segments, backslashes and NUL are refused with a 400.
 */
export function checkRequestPattern(pattern: string): string {
  if (pattern === '') throw new BadRequestError('glob: must not be empty');
  if (pattern.startsWith('/')) throw new BadRequestError(`glob: ${JSON.stringify(pattern)} is absolute; name files relative to the stats directory`);
  if (pattern.split('/').includes('..')) throw new BadRequestError(`glob: ${JSON.stringify(pattern)} contains "..": only files inside the stats directory can be read`);
  // A backslash is an ordinary name character on Linux, but it reads as a separator elsewhere.
  if (/[\\\0]/.test(pattern)) throw new BadRequestError(`glob: ${JSON.stringify(pattern)} contains a backslash or NUL character`);
  return pattern;
}

/** A file a pattern selected inside the scope: its name relative to the directory, and the real path to open. */
export interface ScopedFile {
  /** Name relative to the stats directory, as shown by the API and the dashboard. */
  readonly file: string;
  /** The file's real path (no symlinks left), inside the real stats directory. */
  readonly realPath: string;
}

/** The files of a pattern inside the scope, and the real directory they were confined to. */
export interface ScopedSelection {
  /** The stats directory's real path (every symlink resolved): open the files confined to it. */
  readonly root: string;
  readonly files: readonly ScopedFile[];
}

/**
 * The files of the scope's own pattern inside its directory, narrowed to those a request's
 * `pattern` (relative to the directory) also matches: a request can pick among the files the
 * server was started to serve, never reach another file, however deep or however named.
 * Expanding never leaves the directory: a symlinked directory that leads out is not listed (see
 * `expandGlob`'s `confineTo`), and a match whose real path (every symlink resolved) is outside the
 * real directory is left out, as if it did not exist. Nothing tells what lies outside, not even
 * how many matches were left out. A symlink to another file inside is fine. Names come back
 * sorted; a match that vanished meanwhile is left out too. Undefined when the directory does
 * not exist.
 */
export async function selectScopedFiles(scope: StatsScope, pattern?: string): Promise<ScopedSelection | undefined> {
  const root = await fs.realpath(scope.directory).catch(() => undefined);
  if (root === undefined) return undefined;
  const wanted = pattern === undefined ? () => true : compilePath(pattern);
  const names = (await expandGlob(scope.pattern, root, { confineTo: root })).filter(wanted).sort();
  const files: ScopedFile[] = [];
  for (const name of names) {
    const realPath = await fs.realpath(path.resolve(root, name)).catch(() => undefined);
    if (realPath !== undefined && isInside(realPath, root)) files.push({ file: name, realPath });
  }
  return { root, files };
}
