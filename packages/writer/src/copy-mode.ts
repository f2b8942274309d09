// Copy mode stands in for the shared mapping when the native binding is not built and the user
// opted in (`{ fallback: 'copy' }` or MMSTATS_FALLBACK=copy). The values live in an ordinary buffer
// in process memory; the whole buffer is written to the file with pwrite on an unref'd timer and
// once more when the thread exits. Writes to fields stay plain memory stores, but the process now
// makes a system call per interval, readers see values up to one interval old, and a crash loses
// what was written since the last copy. JavaScript runs one task at a time, so every copy holds a
// state between two writes: never half of a value.
import { writeSync } from 'node:fs';

/** Milliseconds between two copies when no `copyInterval` is given. */
export const DEFAULT_COPY_INTERVAL_MS = 1000;

const live = new Set<FileCopy>();
let exitHookInstalled = false;
let announced = false;

/** A stats file kept current by copying a buffer into it. */
export class FileCopy {
  private readonly timer: NodeJS.Timeout;
  private warned = false;

  /** `buffer` must already be the file's content: the file was written from it. */
  constructor(
    private readonly path: string,
    private readonly fd: number,
    readonly buffer: Buffer,
    intervalMs: number,
  ) {
    this.timer = setInterval(() => this.copyQuietly(), intervalMs).unref();
    live.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on('exit', () => {
        for (const copy of live) copy.copyQuietly();
      });
    }
    if (!announced) {
      announced = true;
      process.emitWarning(
        `the native mmap binding is not built, so stats files are written in copy mode: one pwrite every ${intervalMs} ms, ` +
          'values up to one interval old in the files. Run "npm rebuild @riaskov/mmap-io" (pnpm: "pnpm approve-builds") for shared mappings',
        { type: 'MmstatsWarning', code: 'MMSTATS_COPY_MODE' },
      );
    }
  }

  /** Writes the buffer to the file now. Throws what the write throws. */
  copy(): void {
    let written = 0;
    while (written < this.buffer.length) written += writeSync(this.fd, this.buffer, written, this.buffer.length - written, written);
  }

  /** Stops copying; call before the file descriptor is closed. */
  stop(): void {
    clearInterval(this.timer);
    live.delete(this);
  }

  // On the timer and at exit a failure must not crash the application: it is reported once as a
  // process warning, and flush() reports it again as an error.
  private copyQuietly(): void {
    try {
      this.copy();
    } catch (error) {
      if (this.warned) return;
      this.warned = true;
      process.emitWarning(`${this.path}: cannot copy stats into the file: ${(error as Error).message}`, { type: 'MmstatsWarning', code: 'MMSTATS_COPY_FAILED' });
    }
  }
}
