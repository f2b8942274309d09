// Publishing a finished temporary file under its final name without ever taking that name from a
// live writer (SPEC.md §10): link(2) fails with EEXIST when the name exists, atomically, where
// rename(2) would silently replace it. What holds the name is then judged: the file of a writer
// that is verifiably gone is set aside and the link tried again; anything else keeps the name, and
// this writer takes another one and says so once.
import { closeSync, linkSync, lstatSync, openSync, readdirSync, readFileSync, readSync, renameSync, unlinkSync, constants, type Stats } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { decodeFile, parseStartTicks, temporaryFileName, writerIdentityOf } from '@mmstats/format';
import { threadIdentity } from './identity';

/** How many names are tried before giving up: each one after the first has 32 random bits. */
const MAX_NAMES = 8;
/** Largest file read to judge who holds a name: stats files are small; anything bigger is no dead writer's file to replace. */
const MAX_JUDGED_BYTES = 64 << 20;

const warned = new Set<string>();

/** Who holds a name: a file this writer may replace (its writer is gone), or a reason to leave it. */
type Holder = { readonly replaceable: true; readonly stats: Stats } | { readonly replaceable: false; readonly reason: string } | { readonly vanished: true };

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException)?.code;
}

/** `name.mmstats` → `name-1a2b3c4d.mmstats`: another name in the same directory, unguessable by a neighbour. */
export function alternativeName(path: string): string {
  const ext = extname(path);
  return `${path.slice(0, path.length - ext.length)}-${randomBytes(4).toString('hex')}${ext}`;
}

/**
 * Gives the finished file at `temporary` the name `path`, or another name next to it when `path`
 * is held by a live writer, by another user, or by something that is not a stats file. Returns
 * the name used; the temporary name is left for the caller to remove. Throws the system error of
 * a failure that another name would not cure (a missing directory, a directory in the way, …).
 */
export function claimName(temporary: string, path: string): string {
  let candidate = path;
  for (let named = 1; named <= MAX_NAMES; ) {
    try {
      linkSync(temporary, candidate);
      return candidate;
    } catch (error) {
      if (errnoOf(error) !== 'EEXIST') throw error;
    }
    const holder = judgeHolder(candidate);
    if ('vanished' in holder) continue;
    if (holder.replaceable) {
      setAside(candidate, holder.stats);
      continue;
    }
    warnOnce(path, `mmstats: ${candidate} is taken (${holder.reason}); this stats object writes to another name in that directory`);
    candidate = alternativeName(path);
    named += 1;
  }
  throw Object.assign(new Error(`no free name after ${MAX_NAMES} tries`), { code: 'EEXIST' });
}

function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  process.emitWarning(message, { code: 'MMSTATS_NAME_TAKEN' });
}

/**
 * Moves the dead writer's file out of the way with one atomic rename, then checks that what moved
 * is that file. If another writer published its own file at the name in between, that file is
 * linked back (never over anything) before the set-aside name is removed.
 */
function setAside(path: string, dead: Stats): void {
  const { tid } = threadIdentity();
  const aside = join(dirname(path), temporaryFileName(basename(path), process.pid, tid, randomBytes(4).toString('hex')));
  try {
    renameSync(path, aside);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return; // someone else removed it: try the name again
    throw error;
  }
  const moved = lstatSync(aside);
  if (moved.dev !== dead.dev || moved.ino !== dead.ino) {
    try {
      linkSync(aside, path);
    } catch {
      // A third writer has the name by now; the file that moved keeps its inode and its writer.
    }
  }
  unlinkSync(aside);
}

/** Whether `path`, which exists, may be replaced by this writer, and if not, why. */
function judgeHolder(path: string): Holder {
  let stats: Stats;
  try {
    stats = lstatSync(path);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return { vanished: true };
    throw error;
  }
  if (stats.isDirectory()) throw Object.assign(new Error('a directory is in the way'), { code: 'EISDIR' });
  const uid = process.geteuid?.() ?? 0;
  if (stats.uid !== uid) return { replaceable: false, reason: `owned by uid ${stats.uid}` };
  // Our own symlink, as before: replaced, never followed.
  if (stats.isSymbolicLink()) return { replaceable: true, stats };
  if (!stats.isFile()) return { replaceable: false, reason: 'not a regular file' };
  if (stats.size > MAX_JUDGED_BYTES) return { replaceable: false, reason: 'too big to be checked' };
  const bytes = readNoFollow(path, stats.size);
  if (!bytes) return { vanished: true };
  let records;
  try {
    records = decodeFile(bytes);
  } catch {
    return { replaceable: false, reason: 'not an mmstats file' };
  }
  const identity = writerIdentityOf(records);
  const self = threadIdentity();
  if (identity && 'pid' in identity && identity.bootId && identity.pidNamespace && identity.startTicks && identity.tid) {
    if (identity.bootId !== self.bootId || identity.pidNamespace !== self.pidNamespace) {
      return { replaceable: false, reason: `written by pid ${identity.pid} in another PID namespace or boot, which cannot be checked from here` };
    }
    const stat = readText(`/proc/${identity.pid}/task/${identity.tid}/stat`);
    const ticks = stat === undefined ? undefined : parseStartTicks(stat);
    if (ticks === identity.startTicks) return { replaceable: false, reason: `written by thread ${identity.tid} of pid ${identity.pid}, which is alive` };
    return { replaceable: true, stats };
  }
  // No identity recorded (a BaseMmStats class, an older writer): a live writer has it mapped shared.
  const mapper = writableMapper(stats);
  if (mapper !== undefined) return { replaceable: false, reason: `mapped for writing by pid ${mapper}` };
  return { replaceable: true, stats };
}

function readNoFollow(path: string, size: number): Uint8Array | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const bytes = new Uint8Array(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, bytes, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return bytes.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'latin1');
  } catch {
    return undefined;
  }
}

/**
 * A visible process that maps the file of `stats` shared and writable (`rw-s` in its maps), or
 * undefined. Processes whose maps cannot be read (other users', as a non-root user) are not seen.
 */
function writableMapper(stats: Stats): number | undefined {
  // Linux's device number encoding, as /proc/<pid>/maps prints it (major:minor in hex).
  const major = Math.floor(stats.dev / 256) & 0xfff;
  const minor = (stats.dev & 0xff) | (Math.floor(stats.dev / 4096) & 0xfff00);
  const device = `${major.toString(16).padStart(2, '0')}:${minor.toString(16).padStart(2, '0')}`;
  const needle = ` ${device} ${stats.ino} `;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^[1-9][0-9]*$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    const maps = readText(`/proc/${pid}/maps`);
    if (!maps || !maps.includes(needle)) continue;
    for (const line of maps.split('\n')) {
      if (line.includes(needle) && line.split(' ')[1] === 'rw-s') return Number(pid);
    }
  }
  return undefined;
}
