// The string cell lives apart from the numeric cells: its write protocol (SPEC.md §7) is the one
// most likely to change, and it has no place on the numeric hot path.
import type { RecordLayout } from '@mmstats/format';
import { Cell } from './cells';
import type { Memory } from './memory';

/**
 * `<N>s`, unbuffered, written in place like the original: the UTF-8 bytes (cut before a character
 * that does not fit) then one NUL if shorter than the slot; older bytes after the NUL stay.
 */
export class StringCell extends Cell {
  private buffer: Buffer;
  private readonly at: number;
  private readonly size: number;

  constructor(memory: Memory, record: RecordLayout) {
    super(memory, record);
    this.buffer = memory.buffer;
    this.at = record.slotOffsets[0];
    this.size = record.type.size;
  }

  override rebind(memory: Memory): void {
    super.rebind(memory);
    this.buffer = memory.buffer;
  }

  set(value: string): void {
    const text = typeof value === 'string' ? value : String(value);
    const written = this.buffer.write(text, this.at, this.size, 'utf8');
    if (written < this.size) this.bytes[this.at + written] = 0;
  }
}
