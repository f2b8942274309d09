import * as path from 'node:path';

/**
 * Everything a command may use of the outside world besides the files it reads. Commands get an
 * `Io` and return an exit code; only `realIo()` is wired to the process.
 */
export interface Io {
  /** Writes text to standard output as is (callers add the newlines). */
  stdout: (s: string) => void;
  /** Writes text to standard error as is. */
  stderr: (s: string) => void;
  /** Environment variables (`MMSTATS_PATH`, `MMSTATS_GLOB`). */
  env: Record<string, string | undefined>;
  /** Directory relative file names and patterns are resolved against. */
  cwd: string;
  /** Whether standard output is a terminal. */
  isTTY: boolean;
}

/**
 * The process's own streams, environment and directory. A closed standard output (`EPIPE`, as in
 * `mmstats slurp | head -1`) silently stops further output instead of crashing with a stack.
 */
export function realIo(): Io {
  const { stdout, stderr } = process;
  let stdoutOpen = true;
  let stderrOpen = true;
  stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (stdoutOpen && err.code !== 'EPIPE' && stderrOpen) stderr.write(`mmstats: standard output: ${err.message}\n`);
    stdoutOpen = false;
  });
  stderr.on('error', () => {
    stderrOpen = false;
  });
  return {
    stdout: (s) => {
      if (stdoutOpen && !stdout.destroyed) stdout.write(s);
    },
    stderr: (s) => {
      if (stderrOpen && !stderr.destroyed) stderr.write(s);
    },
    env: process.env,
    cwd: process.cwd(),
    isTTY: stdout.isTTY === true,
  };
}

/** Options of `memoryIo`. */
export interface MemoryIoOptions {
  /** Environment variables the command sees. Defaults to none. */
  readonly env?: Record<string, string | undefined>;
  /** Directory relative paths are resolved against. Defaults to the current directory. */
  readonly cwd?: string;
  /** Whether to act as if standard output were a terminal. Defaults to false. */
  readonly isTTY?: boolean;
}

/** An `Io` that records what was written, for tests and for embedding. */
export interface MemoryIo extends Io {
  /** Everything written to standard output so far. */
  readonly out: string;
  /** Everything written to standard error so far. */
  readonly err: string;
}

/** An `Io` that captures output in memory instead of writing it anywhere. */
export function memoryIo(options: MemoryIoOptions = {}): MemoryIo {
  let out = '';
  let err = '';
  return {
    stdout: (s) => {
      out += s;
    },
    stderr: (s) => {
      err += s;
    },
    env: { ...options.env },
    cwd: options.cwd ?? path.resolve(),
    isTTY: options.isTTY ?? false,
    get out() {
      return out;
    },
    get err() {
      return err;
    },
  };
}
