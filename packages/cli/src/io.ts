import * as path from 'node:path';

/**
 * Everything a command may use of the outside world besides the files it reads. Commands get an
 * `Io` and return an exit code; only `realIo()` is wired to the process.
 */
export interface Io {
  /** Writes text to standard output as is (callers add the newlines). */
  stdout: (s: string) => void;
  /**
   * Writes bytes (UTF-8 text) to standard output as they are: a command that renders its output
   * as bytes hands them over without making a string of them first. Optional: without it, the
   * bytes are decoded and given to `stdout`.
   */
  stdoutBytes?: (bytes: Uint8Array) => void;
  /** Writes text to standard error as is. */
  stderr: (s: string) => void;
  /**
   * Resolves once standard output has taken what was written to it (at once when nothing is
   * waiting): a command writing a lot waits for it between pieces, so that output a slow reader
   * has not taken yet does not pile up in memory. Optional: without it, nothing waits.
   */
  drained?: () => Promise<void>;
  /** Environment variables (`MMSTATS_PATH`, `MMSTATS_GLOB`). */
  env: Record<string, string | undefined>;
  /** Directory relative file names and patterns are resolved against. */
  cwd: string;
  /** Whether standard output is a terminal. */
  isTTY: boolean;
  /** Height of the terminal in lines when standard output is one; undefined otherwise or if unknown. */
  rows?: number;
  /**
   * Calls `callback` once when the user interrupts (SIGINT, Ctrl-C) or standard output is closed
   * (the reader of a pipe went away): long-running commands stop then. Returns a function that
   * unregisters it; while any callback is registered, SIGINT no longer kills the process.
   * Optional: without it, a command runs until it ends by itself.
   */
  onInterrupt?: (callback: () => void) => () => void;
}

/** Writes `bytes` (UTF-8 text) to `io`'s standard output: as they are when it takes bytes, else decoded. */
export function writeStdoutBytes(io: Io, bytes: Uint8Array): void {
  if (io.stdoutBytes) io.stdoutBytes(bytes);
  else io.stdout(utf8Text(bytes));
}

/** UTF-8 bytes as a string. */
export function utf8Text(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/**
 * The process's own streams, environment and directory. A closed standard output (`EPIPE`, as in
 * `mmstats slurp | head -1`) silently stops further output instead of crashing with a stack.
 */
export function realIo(): Io {
  const { stdout, stderr } = process;
  let stdoutOpen = true;
  let stderrOpen = true;
  const interrupts = new Set<() => void>();
  const interrupt = () => {
    for (const callback of [...interrupts]) {
      interrupts.delete(callback);
      callback();
    }
    process.removeListener('SIGINT', interrupt);
  };
  stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (stdoutOpen && err.code !== 'EPIPE' && stderrOpen) stderr.write(`mmstats: standard output: ${err.message}\n`);
    stdoutOpen = false;
    interrupt();
  });
  stderr.on('error', () => {
    stderrOpen = false;
  });
  return {
    stdout: (s) => {
      if (stdoutOpen && !stdout.destroyed) stdout.write(s);
    },
    stdoutBytes: (bytes) => {
      if (stdoutOpen && !stdout.destroyed) stdout.write(bytes);
    },
    stderr: (s) => {
      if (stderrOpen && !stderr.destroyed) stderr.write(s);
    },
    drained: () => {
      // A pipe takes writes asynchronously; a file or terminal takes them at once and never needs draining.
      if (!stdoutOpen || stdout.destroyed || !stdout.writableNeedDrain) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = () => {
          stdout.off('drain', done);
          stdout.off('close', done);
          stdout.off('error', done);
          resolve();
        };
        stdout.on('drain', done);
        stdout.on('close', done);
        stdout.on('error', done);
      });
    },
    env: process.env,
    cwd: process.cwd(),
    isTTY: stdout.isTTY === true,
    rows: stdout.isTTY === true ? stdout.rows : undefined,
    onInterrupt: (callback) => {
      if (!stdoutOpen) {
        queueMicrotask(callback);
        return () => {};
      }
      if (interrupts.size === 0) process.on('SIGINT', interrupt);
      interrupts.add(callback);
      return () => {
        interrupts.delete(callback);
        if (interrupts.size === 0) process.removeListener('SIGINT', interrupt);
      };
    },
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
  /** Terminal height to report. Defaults to none. */
  readonly rows?: number;
}

/** An `Io` that records what was written, for tests and for embedding. */
export interface MemoryIo extends Io {
  /** Everything written to standard output so far. */
  readonly out: string;
  /** Everything written to standard error so far. */
  readonly err: string;
  /** Acts as if the user pressed Ctrl-C: calls the callbacks registered with `onInterrupt`. */
  interrupt(): void;
}

/** An `Io` that captures output in memory instead of writing it anywhere. */
export function memoryIo(options: MemoryIoOptions = {}): MemoryIo {
  let out = '';
  let err = '';
  const interrupts = new Set<() => void>();
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
    rows: options.rows,
    onInterrupt: (callback) => {
      interrupts.add(callback);
      return () => {
        interrupts.delete(callback);
      };
    },
    interrupt: () => {
      for (const callback of [...interrupts]) {
        interrupts.delete(callback);
        callback();
      }
    },
    get out() {
      return out;
    },
    get err() {
      return err;
    },
  };
}
