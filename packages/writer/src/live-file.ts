// The live stats file as its families see it: the memory their series write to, and the reserve
// where new series and families are added (SPEC.md §14.5). One per stats object or registry.
import { appendFamily, appendRecords, parseTypeSignature, recordSize, reserveLeft, type FamilyMeta, type RecordLayout, type RecordSpec } from '@mmstats/format';
import type { Memory } from './fields/memory';

/** The file's memory and its reserve. Adding to it stores into the mapping: no syscall. */
export class LiveFile {
  /** Bytes of the reserve promised to overflow series not yet added. */
  private promised = 0;

  constructor(
    /** The memory every field of the file writes to; replaced by `rebind` after `remove()`. */
    public memory: Memory,
    /** How many records the file has: the index of the next one. */
    private recordCount: number,
    /** Whether the file has a metadata block; without one nothing can be added. */
    readonly hasMetadata: boolean,
  ) {}

  /** Moves to other memory with the same bytes (a private copy after `remove()`). */
  rebind(memory: Memory): void {
    this.memory = memory;
  }

  /** Promises `bytes` of the reserve to a later `addRecord(…, bytes)`; false if they are not free. */
  promise(bytes: number): boolean {
    if (!this.hasMetadata || this.room() < this.promised + bytes) return false;
    this.promised += bytes;
    return true;
  }

  /** Free bytes of the reserve, promised ones included. */
  room(): number {
    return reserveLeft(this.memory.bytes);
  }

  /**
   * Adds a group of records that readers see all at once (a histogram series: SPEC.md §14.6),
   * keeping the promised bytes free unless `promised` says these records are the ones they were
   * promised to (then that many are released). Undefined when there is no room for all of them.
   */
  addRecords(specs: readonly RecordSpec[], promised?: number): RecordLayout[] | undefined {
    if (!this.hasMetadata) return undefined;
    if (promised !== undefined) this.promised -= promised;
    const records = appendRecords(this.memory.bytes, specs, this.recordCount, this.promised);
    if (records === undefined) {
      if (promised !== undefined) this.promised += promised;
      return undefined;
    }
    this.recordCount += records.length;
    return records;
  }

  /** `addRecords` for one record. */
  addRecord(spec: RecordSpec, promised?: number): RecordLayout | undefined {
    return this.addRecords([spec], promised)?.[0];
  }

  /**
   * Adds a family's metadata entry; false when there is no room for it with the promised bytes and
   * `keepFree` more left free (room for the family's first record).
   */
  addFamily(meta: FamilyMeta, keepFree = 0): boolean {
    return this.hasMetadata && appendFamily(this.memory.bytes, meta, this.promised + keepFree);
  }
}

const utf8 = new TextEncoder();

/** Bytes the records of `specs` take in a file (SPEC.md §3). */
export function recordsSize(specs: readonly RecordSpec[]): number {
  return specs.reduce((sum, spec) => sum + recordSize(utf8.encode(spec.label).length, spec.signature.length, parseTypeSignature(spec.signature)!.size, spec.buffered), 0);
}
