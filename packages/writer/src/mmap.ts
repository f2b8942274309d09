// The only module that touches the native mmap binding: everything else sees a Uint8Array.
import mmapIo from '@riaskov/mmap-io';

/** The platform's page size; files are sized in whole pages (SPEC.md §5). */
export const PAGE_SIZE: number = mmapIo.PAGESIZE;

/**
 * Maps `size` bytes of the open file `fd` shared and writable. The file must already be at least
 * `size` bytes long: a store past its end would kill the process with SIGBUS. The mapping lives
 * until the returned buffer is garbage-collected; closing `fd` does not end it.
 */
export function mapShared(fd: number, size: number): Buffer {
  const readWrite = (mmapIo.PROT_READ | mmapIo.PROT_WRITE) as 3;
  return mmapIo.map(size, readWrite, mmapIo.MAP_SHARED, fd, 0);
}
