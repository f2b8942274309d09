// The only module that touches the native mmap binding: everything else sees a Uint8Array.
// The binding is tried once, at import, and a failure is remembered rather than thrown: when
// install scripts were blocked (`npm install --ignore-scripts`, pnpm's default) it was never
// built, and importing this package must still succeed, so that an application never fails to
// start because of its metrics; creating a stats object then says why. Trying at import (not at
// the first stats object) lets a program that drops privileges after loading its modules still
// have the binding, though the new user may not be able to read where it lies.
import { readFileSync } from 'node:fs';
import type MmapIo from '@riaskov/mmap-io';
import { BindingError } from './errors';

type Binding = typeof MmapIo;

const BINDING = '@riaskov/mmap-io';

let binding: Binding | undefined;
let loadFailure: unknown;

/** The native binding, or the reason it cannot be loaded. Tried once per thread. */
function loadBinding(): { binding: Binding } | { failure: unknown } {
  if (binding === undefined && loadFailure === undefined) {
    try {
      binding = require(BINDING) as Binding;
    } catch (error) {
      loadFailure = error;
    }
  }
  return binding ? { binding } : { failure: loadFailure };
}

loadBinding();

/** Whether the native mmap binding is built and loads. */
export function hasMmapBinding(): boolean {
  return 'binding' in loadBinding();
}

/** The error for a stats object created without the binding and without the copy fallback. */
export function missingBindingError(): BindingError {
  const result = loadBinding();
  const cause = 'failure' in result ? result.failure : undefined;
  const reason = (cause as { message?: unknown } | undefined)?.message;
  return new BindingError(
    `the native mmap binding ${BINDING} is not built (${typeof reason === 'string' ? reason.split('\n')[0] : 'it did not load'}). ` +
      `Its install script did not run: install scripts were blocked (npm install --ignore-scripts, or pnpm, which blocks them by default). ` +
      `Fix: run "npm rebuild ${BINDING}", or with pnpm "pnpm approve-builds" then "pnpm rebuild ${BINDING}"; ` +
      `building it needs python3, make and a C++ compiler when no prebuilt binary can be downloaded. ` +
      `Or opt into the slower copy mode: the option { fallback: 'copy' } or MMSTATS_FALLBACK=copy`,
    { cause },
  );
}

/**
 * The platform's page size; files are sized in whole pages (SPEC.md §5). From the binding when it
 * is built, else from the kernel's auxiliary vector (AT_PAGESZ), else 4096.
 */
export function pageSize(): number {
  const result = loadBinding();
  return 'binding' in result ? result.binding.PAGESIZE : auxvPageSize();
}

const AT_PAGESZ = 6n;

function auxvPageSize(): number {
  try {
    // Pairs of native words (type, value), ending with type 0; 64-bit words on 64-bit platforms.
    const auxv = readFileSync('/proc/self/auxv');
    const view = new DataView(auxv.buffer, auxv.byteOffset, auxv.length);
    for (let at = 0; at + 16 <= auxv.length; at += 16) {
      const type = view.getBigUint64(at, true);
      if (type === 0n) break;
      if (type === AT_PAGESZ) return Number(view.getBigUint64(at + 8, true));
    }
  } catch {
    // No /proc, or not 64-bit: fall through to the common page size.
  }
  return 4096;
}

/**
 * Maps `size` bytes of the open file `fd` shared and writable. The file must already be at least
 * `size` bytes long: a store past its end would kill the process with SIGBUS. The mapping lives
 * until the returned buffer is garbage-collected; closing `fd` does not end it. Throws
 * `BindingError` when the binding is not built.
 */
export function mapShared(fd: number, size: number): Buffer {
  const result = loadBinding();
  if (!('binding' in result)) throw missingBindingError();
  const mmapIo = result.binding;
  const readWrite = (mmapIo.PROT_READ | mmapIo.PROT_WRITE) as 3;
  return mmapIo.map(size, readWrite, mmapIo.MAP_SHARED, fd, 0);
}
