import { promises as fs, statSync, type Stats } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { parseTemporaryFileName } from '@mmstats/format';

import { ReadError } from '../errors';
import { isInside } from './confine';
import { compileSegment, hasMagic, splitSegments } from './glob';

export { compileSegment, hasMagic } from './glob';

/** Name pattern of mmstats files in a directory. */
export const FILE_PATTERN = '*.mmstats';

/** One file to read: its name as shown to the user and the absolute path it stands for. */
export interface FileEntry {
  /** The name as given on the command line or as found by a pattern: printed as is. */
  readonly file: string;
  /** Absolute path, used to read the file and to list each file once. */
  readonly path: string;
}

/** The files an argument list selects, in sorted order, and the arguments that selected none. */
export interface FileSelection {
  readonly files: readonly FileEntry[];
  /** One error per argument that named nothing (a pattern without matches, an empty directory). */
  readonly errors: readonly ReadError[];
  /**
   * When no argument was given: what was searched, for the "no files found" message
   * (`*.mmstats in /tmp` or `MMSTATS_GLOB=…`). Undefined when arguments were given.
   */
  readonly searched?: string;
}

/** Where mmstats files are looked for by default: `$MMSTATS_PATH`, else the system temp directory. */
export function defaultDirectory(env: Record<string, string | undefined>): string {
  return env.MMSTATS_PATH || os.tmpdir();
}

/**
 * Turns command-line arguments into the files to read. Each argument is a directory (its
 * `*.mmstats` files), a glob pattern (`*`, `?` and `[...]` per path segment) or a file. With no
 * arguments: every file matching `$MMSTATS_GLOB` if set, else `*.mmstats` in `defaultDirectory()`.
 * Files are sorted by name (code point order) and listed once each, even when named twice.
 */
export async function selectFiles(
  args: readonly string[],
  env: Record<string, string | undefined>,
  cwd: string,
): Promise<FileSelection> {
  const found: string[] = [];
  const errors: ReadError[] = [];
  let searched: string | undefined;
  if (args.length === 0) {
    const pattern = env.MMSTATS_GLOB;
    if (pattern) {
      searched = `MMSTATS_GLOB=${pattern}`;
      found.push(...(await expandGlob(pattern, cwd)));
    } else {
      const directory = defaultDirectory(env);
      searched = `${FILE_PATTERN} in ${directory}`;
      found.push(...(await listDirectory(directory, cwd)));
    }
  } else {
    for (const arg of args) {
      const names = await expandArgument(arg, cwd);
      if (names === 'empty-directory') errors.push(new ReadError(arg, `no ${FILE_PATTERN} files in this directory`));
      else if (names.length === 0) errors.push(new ReadError(arg, 'no files match this pattern'));
      else found.push(...names);
    }
  }
  return { files: toEntries(found, cwd), errors, searched };
}

/** Names as entries, each path once, sorted by name. */
function toEntries(names: readonly string[], cwd: string): FileEntry[] {
  const seen = new Set<string>();
  const files: FileEntry[] = [];
  for (const file of names) {
    const absolute = path.resolve(cwd, file);
    if (seen.has(absolute)) continue;
    seen.add(absolute);
    files.push({ file, path: absolute });
  }
  return files.sort((a, b) => compareCodePoints(a.file, b.file));
}

/**
 * The temporary files (SPEC.md §10) of the stats files that the same arguments select with
 * `selectFiles`: a dot-file is selected when its name parses as a temporary name and the final
 * name it stands for lies where the argument looks and matches what it asks for. A directory
 * (and the default directory): temporaries of `*.mmstats` names in it. A pattern (and
 * `$MMSTATS_GLOB`): temporaries in the directories its last segment is matched in, whose final
 * name that segment matches. A file: the temporaries of that file name, next to it. Whatever
 * type they are (symlinks and directories too: the caller decides), sorted by name, each once,
 * spelled like `selectFiles` spells the stats files.
 */
export async function selectTemporaryFiles(
  args: readonly string[],
  env: Record<string, string | undefined>,
  cwd: string,
): Promise<FileEntry[]> {
  const found: string[] = [];
  if (args.length === 0) {
    const pattern = env.MMSTATS_GLOB;
    if (pattern) found.push(...(await temporariesOfPattern(pattern, cwd)));
    else found.push(...(await temporariesInDirectory(defaultDirectory(env), compileSegment(FILE_PATTERN), cwd)));
  } else {
    for (const arg of args) {
      const stats = statArgument(arg, cwd);
      if (stats?.isDirectory()) found.push(...(await temporariesInDirectory(arg, compileSegment(FILE_PATTERN), cwd)));
      else if (stats || !hasMagic(arg)) found.push(...(await temporariesOfFile(arg, cwd)));
      else found.push(...(await temporariesOfPattern(arg, cwd)));
    }
  }
  return toEntries(found, cwd);
}

/** The temporaries in `directory` whose final name `matchesFinal` accepts, named `<directory>/<name>`. */
async function temporariesInDirectory(directory: string, matchesFinal: (name: string) => boolean, cwd: string): Promise<string[]> {
  const names = await readNames(path.resolve(cwd, directory || '.'));
  return names.filter((name) => isTemporaryOf(name, matchesFinal)).map((name) => joinName(directory, name));
}

/** The temporaries of one file name, next to it: for `dir/a.mmstats`, `dir/.a.mmstats.<pid>-…tmp`. */
function temporariesOfFile(file: string, cwd: string): Promise<string[]> {
  const { directory, last } = splitLast(file);
  // `dir/` that is not a directory names no file, so no temporaries either.
  if (last === '') return Promise.resolve([]);
  return temporariesInDirectory(directory, (name) => name === last, cwd);
}

/** The temporaries in the directories a pattern's last segment is matched in, of names that segment matches. */
async function temporariesOfPattern(pattern: string, cwd: string): Promise<string[]> {
  const { directory, last } = splitLast(pattern);
  if (last === '') return [];
  const matchesFinal = compileSegment(last);
  // `.*` lists every dot-file in the same directories, spelled as the pattern's own matches are.
  const candidates = await expandGlob(`${directory}.*`, cwd);
  return candidates.filter((name) => isTemporaryOf(path.basename(name), matchesFinal));
}

function isTemporaryOf(name: string, matchesFinal: (name: string) => boolean): boolean {
  const parsed = parseTemporaryFileName(name);
  return parsed !== undefined && matchesFinal(parsed.finalName);
}

/** `a/b/c` as `a/b/` and `c`; `c` as `''` and `c`. */
function splitLast(name: string): { directory: string; last: string } {
  const slash = name.lastIndexOf('/');
  return { directory: name.slice(0, slash + 1), last: name.slice(slash + 1) };
}

/** One argument: a directory's `*.mmstats`, a pattern's matches, or the argument itself. */
async function expandArgument(arg: string, cwd: string): Promise<string[] | 'empty-directory'> {
  const stats = statArgument(arg, cwd);
  if (stats?.isDirectory()) {
    const names = await listDirectory(arg, cwd);
    return names.length === 0 ? 'empty-directory' : names;
  }
  // A file that exists is read as named, even if its name contains glob characters.
  if (stats || !hasMagic(arg)) return [arg];
  return expandGlob(arg, cwd);
}

/**
 * What a command-line argument names (following symlinks), or undefined if it cannot be looked up.
 * Synchronous: the first call through the thread pool (its threads, Node's promise-based fs) costs
 * a command about 2 ms of CPU at start-up, more than a slurp of a small file takes otherwise.
 */
function statArgument(arg: string, cwd: string): Stats | undefined {
  try {
    return statSync(path.resolve(cwd, arg), { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** The `*.mmstats` files of a directory, named `<directory>/<name>`. Missing directory: none. */
export async function listDirectory(directory: string, cwd: string): Promise<string[]> {
  const matches = compileSegment(FILE_PATTERN);
  const names = await readNames(path.resolve(cwd, directory));
  return names.filter((name) => matches(name)).map((name) => joinName(directory, name));
}

/** Options of `expandGlob`. */
export interface ExpandGlobOptions {
  /**
   * A real directory (no symlinks in its path) the expansion stays in: a directory whose real
   * path lies outside it is never listed, and a literal name is only looked up in a directory
   * inside it, so a symlinked directory cannot lead the expansion out, neither to tell what
   * exists there nor to walk another tree. Matches that are themselves symlinks are returned:
   * the caller resolves them. Defaults to none (slurp, poll and clean follow every symlink).
   */
  readonly confineTo?: string;
}

/**
 * Expands a glob pattern against the file system: `*` (any run of characters), `?` (one
 * character) and `[...]` (one of a set, `[!...]` negated) within one path segment. As in a shell,
 * a name starting with `.` only matches a segment that starts with `.`, so the dot-prefixed
 * temporary files writers create are never matched by `*`. Names come back spelled as in the
 * pattern (relative patterns give relative names), in no particular order.
 */
export async function expandGlob(pattern: string, cwd: string, options: ExpandGlobOptions = {}): Promise<string[]> {
  const allowed = async (directory: string): Promise<boolean> => {
    if (options.confineTo === undefined) return true;
    const real = await fs.realpath(path.resolve(cwd, directory || '.')).catch(() => undefined);
    return real !== undefined && isInside(real, options.confineTo);
  };
  const absolute = pattern.startsWith('/');
  const segments = splitSegments(pattern);
  const leading = absolute ? '/' : pattern.startsWith('./') ? '.' : '';
  let current: string[] = [leading];
  let lastIsLiteral = true;
  for (const segment of segments) {
    const next: string[] = [];
    if (!hasMagic(segment)) {
      for (const name of current) next.push(joinName(name, segment));
      lastIsLiteral = true;
    } else {
      const matches = compileSegment(segment);
      for (const name of current) {
        if (!(await allowed(name))) continue;
        for (const entry of await readNames(path.resolve(cwd, name || '.'))) {
          if (matches(entry)) next.push(joinName(name, entry));
        }
      }
      lastIsLiteral = false;
    }
    current = next;
    if (current.length === 0) return [];
  }
  if (segments.length === 0) return [];
  if (!lastIsLiteral) return current;
  // A literal last segment (`*/stats.mmstats`) matches only where it exists.
  const exists = await Promise.all(
    current.map(async (name) => (await allowed(path.dirname(name))) && fs.lstat(path.resolve(cwd, name)).then(() => true, () => false)),
  );
  return current.filter((_, i) => exists[i]);
}

/** Entry names of a directory; none if it cannot be listed (missing, not a directory, no access). */
async function readNames(directory: string): Promise<string[]> {
  try {
    return await fs.readdir(directory);
  } catch {
    return [];
  }
}

/** `dir` + `/` + `name`, without doubling a trailing slash; `''` + name is just name. */
function joinName(directory: string, name: string): string {
  if (directory === '') return name;
  return directory.endsWith('/') ? directory + name : `${directory}/${name}`;
}

/** Orders strings by Unicode code point (JavaScript's `<` compares UTF-16 code units). */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const x = a[Symbol.iterator]();
  const y = b[Symbol.iterator]();
  for (;;) {
    const p = x.next();
    const q = y.next();
    if (p.done) return q.done ? 0 : -1;
    if (q.done) return 1;
    const d = p.value.codePointAt(0)! - q.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}
