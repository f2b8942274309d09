import { encodeFile, type RecordLayout, type RecordSpec } from '@mmstats/format';

/**
 * Three views of one stats file's bytes, shared by all its fields: while the file is live they
 * cover the shared mapping; after `remove()` they cover a private copy, so late writes are harmless.
 */
export interface Memory {
  /** For multi-byte values: records are packed, so slots sit at any offset (no typed-array alignment). */
  readonly view: DataView;
  /** For single bytes: write indexes, booleans, string terminators. */
  readonly bytes: Uint8Array;
  /** For UTF-8 string stores (`Buffer#write` cuts on a character boundary and allocates nothing). */
  readonly buffer: Buffer;
}

/** What every field object can do besides its own API: move to other memory. */
export interface Bound {
  /** Points the field at `memory` (same layout); used by `remove()`. */
  rebind(memory: Memory): void;
}

/** Builds the object that serves a field, bound to its record in `memory`. */
export type FieldFactory = (memory: Memory, record: RecordLayout) => Bound;

/** Memory over `bytes`: the mapping of a live file, or private bytes that no reader sees. */
export function memoryOver(bytes: Uint8Array): Memory {
  return {
    view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    bytes,
    buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  };
}

/**
 * Records laid out as a file of their own in process memory, which no reader sees: where a metric
 * that found no room in its file keeps working, unpublished.
 */
export function privateRecords(specs: readonly RecordSpec[]): { memory: Memory; records: readonly RecordLayout[] } {
  const { bytes, plan } = encodeFile(specs);
  return { memory: memoryOver(bytes), records: plan.records };
}
