// The string cells live apart from the numeric cells: their write protocol (SPEC.md §7) has no
// place on the numeric hot path.
import type { RecordLayout } from '@mmstats/format';
import { BufferedCell, Cell } from './cells';
import type { Memory } from './memory';

/**
 * `<N>s`, unbuffered, in place like the original: the UTF-8 bytes (cut before a character that
 * does not fit) then one NUL if shorter than the slot; older bytes after the NUL stay. The final
 * bytes are the original's, but the first byte is stored last and is 0 until then, so a writer
 * stopped in the middle of a write leaves the empty string, never a mix of two (SPEC.md §7.3).
 */
export class StringCell extends Cell {
  private readonly at: number;
  private readonly size: number;
  /** The next text, encoded once, before any byte of the slot changes. */
  private readonly scratch: Buffer;

  constructor(memory: Memory, record: RecordLayout) {
    super(memory, record);
    this.at = record.slotOffsets[0];
    this.size = record.type.size;
    this.scratch = Buffer.alloc(this.size);
  }

  set(value: string): void {
    const text = typeof value === 'string' ? value : String(value);
    const written = this.scratch.write(text, 0, this.size, 'utf8');
    const bytes = this.bytes;
    bytes[this.at] = 0;
    const scratch = this.scratch;
    for (let i = 1; i < written; i++) bytes[this.at + i] = scratch[i]; // a JIT loop beats a native copy at these sizes
    if (written < this.size) bytes[this.at + written] = 0;
    if (written > 0) bytes[this.at] = scratch[0];
  }
}

/**
 * `<N>s`, buffered (`field.string({ buffered: true })`): the text goes into the slot readers are
 * not reading, with the same bytes and NUL as in place, then the write index flips (SPEC.md §7.2),
 * so a reader never sees a mix of two strings. Any format v1 reader reads it (§4.4).
 */
export class BufferedStringCell extends BufferedCell {
  private buffer: Buffer;
  private readonly size: number;

  constructor(memory: Memory, record: RecordLayout) {
    super(memory, record);
    this.buffer = memory.buffer;
    this.size = record.type.size;
  }

  override rebind(memory: Memory): void {
    super.rebind(memory);
    this.buffer = memory.buffer;
  }

  set(value: string): void {
    const text = typeof value === 'string' ? value : String(value);
    const wb = this.wb;
    const at = this.slot0 + wb * this.size;
    const written = this.buffer.write(text, at, this.size, 'utf8');
    if (written < this.size) this.bytes[at + written] = 0;
    this.wb = wb ^ 1;
    this.bytes[this.wbAt] = wb ^ 1; // after the text: a reader switches slots only once it is whole
  }
}
