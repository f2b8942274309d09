// Shared fixtures and tables for the @mmstats/format tests. Expected bytes here are built with
// Node's Buffer methods, never with the codec, so a test compares the codec with an independent
// reading of format v1.
import * as fs from 'fs';
import * as path from 'path';
import { DecodeError, type RecordSpec, type StatValue } from '@mmstats/format';

/** The file written by the original Python mmstats 0.8.0 (see fixtures/original/README.md). */
export const FIXTURE_PATH = path.join(__dirname, 'fixtures', 'original', 'basic.mmstats');

/** A fresh copy of the fixture's bytes (tests may modify it). */
export function readFixture(): Buffer {
  return fs.readFileSync(FIXTURE_PATH);
}

/** The fields of the fixture's model, declared in file order. */
export const FIXTURE_SPECS: readonly RecordSpec[] = [
  { label: 'load', signature: 'd', buffered: true },
  { label: 'hits', signature: 'Q', buffered: true },
  { label: 'name', signature: '16s', buffered: false },
  { label: 'up', signature: '?', buffered: false },
];

/** Hex dump in the style of `xxd` (16 bytes a line), so a byte mismatch shows as a readable diff. */
export function xxd(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += 16) {
    const row = Array.from(bytes.subarray(at, at + 16), (b) => b.toString(16).padStart(2, '0')).join(' ');
    lines.push(`${at.toString(16).padStart(8, '0')}: ${row}`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Building files by hand, byte by byte

/** One record as raw bytes go: anything may be out of range, for hostile files. */
export interface RawRecord {
  /** Label text (UTF-8) or raw bytes. */
  label: string | Uint8Array;
  /** Label length field; defaults to the label's byte length. */
  labelLength?: number;
  /** Type signature text (one byte per character) or raw bytes. */
  signature: string | Uint8Array;
  /** Signature length field; defaults to the signature's byte length. */
  signatureLength?: number;
  /** Write-buffer byte: 0 or 1 (buffered) or 0xff (unbuffered). */
  writeIndex: number;
  /** The slot bytes, all of them (two slots for a buffered record). */
  slots: Uint8Array;
}

function bytesOf(text: string | Uint8Array, encoding: BufferEncoding): Buffer {
  return typeof text === 'string' ? Buffer.from(text, encoding) : Buffer.from(text);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}

/** The bytes of one record: label length, label, signature length, signature, write byte, slots. */
export function rawRecord(record: RawRecord): Buffer {
  const label = bytesOf(record.label, 'utf8');
  const signature = bytesOf(record.signature, 'latin1');
  return Buffer.concat([
    u16(record.labelLength ?? label.length),
    label,
    u16(record.signatureLength ?? signature.length),
    signature,
    Buffer.from([record.writeIndex]),
    Buffer.from(record.slots),
  ]);
}

/** A version byte followed by `parts` (records or any bytes), zero-padded to `size` if given. */
export function rawFile(parts: readonly Uint8Array[], options: { version?: number; size?: number } = {}): Buffer {
  const content = Buffer.concat([Buffer.from([options.version ?? 1]), ...parts]);
  if (options.size === undefined) return content;
  const file = Buffer.alloc(options.size);
  content.copy(file, 0, 0, Math.min(content.length, options.size));
  return file;
}

/** Slot bytes of a little-endian value, written with one of Buffer's methods. */
export function le(size: number, write: (b: Buffer) => unknown): Buffer {
  const b = Buffer.alloc(size);
  write(b);
  return b;
}

/** `size` bytes holding `text` as UTF-8 (never a partial character), zero-filled after it. */
export function stringBytes(size: number, text: string): Buffer {
  const b = Buffer.alloc(size);
  b.write(text, 0, 'utf8');
  return b;
}

/** Runs `decode`, expecting a DecodeError, and returns it. */
export function expectDecodeError(decode: () => unknown): DecodeError {
  let thrown: unknown;
  try {
    decode();
  } catch (error) {
    thrown = error;
  }
  if (!(thrown instanceof DecodeError)) {
    throw new Error(`expected a DecodeError, got ${thrown === undefined ? 'no error' : String(thrown)}`);
  }
  return thrown;
}

// ---------------------------------------------------------------------------------------------
// Deterministic pseudo-random numbers for fuzzing

/** mulberry32: a tiny seeded PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// Slot values: what writeSlot stores and readSlot returns, for every type signature

export interface SlotCase {
  /** What the case shows, for the test name. */
  name: string;
  signature: string;
  /** Value given to writeSlot. */
  value: StatValue;
  /** The slot's bytes after writing `value` into a zero-filled slot, built with Buffer. */
  bytes: Buffer;
  /** What readSlot returns for those bytes. */
  read: StatValue;
}

const TWO_53 = 2 ** 53;
const U64_MAX = 2n ** 64n - 1n;
const I64_MAX = 2n ** 63n - 1n;
const I64_MIN = -(2n ** 63n);

const u64 = (n: bigint) => le(8, (b) => b.writeBigUInt64LE(n));
const i64 = (n: bigint) => le(8, (b) => b.writeBigInt64LE(n));

/** 64-bit cases shared by `Q` and its old 8-byte alias `L`. */
function unsigned64(signature: string): SlotCase[] {
  return [
    { name: 'zero', signature, value: 0, bytes: u64(0n), read: 0 },
    { name: 'a small count', signature, value: 5, bytes: u64(5n), read: 5 },
    { name: '2^32 (above 32 bits)', signature, value: 2 ** 32, bytes: u64(2n ** 32n), read: 2 ** 32 },
    { name: '2^53 - 1 reads as a number', signature, value: TWO_53 - 1, bytes: u64(2n ** 53n - 1n), read: TWO_53 - 1 },
    { name: '2^53 + 1 reads as an exact bigint', signature, value: 2n ** 53n + 1n, bytes: u64(2n ** 53n + 1n), read: 2n ** 53n + 1n },
    { name: 'max (2^64 - 1)', signature, value: U64_MAX, bytes: u64(U64_MAX), read: U64_MAX },
    { name: '2^64 wraps to 0', signature, value: 2n ** 64n, bytes: u64(0n), read: 0 },
    { name: '-1 wraps to 2^64 - 1', signature, value: -1, bytes: u64(U64_MAX), read: U64_MAX },
    { name: 'a fraction is truncated', signature, value: 7.9, bytes: u64(7n), read: 7 },
    { name: 'NaN stores 0', signature, value: NaN, bytes: u64(0n), read: 0 },
    { name: 'Infinity stores 0', signature, value: Infinity, bytes: u64(0n), read: 0 },
  ];
}

function signed64(signature: string): SlotCase[] {
  return [
    { name: 'zero', signature, value: 0, bytes: i64(0n), read: 0 },
    { name: '-1', signature, value: -1, bytes: i64(-1n), read: -1 },
    { name: 'a negative value above 32 bits', signature, value: -(2 ** 40) - 3, bytes: i64(-(2n ** 40n) - 3n), read: -(2 ** 40) - 3 },
    { name: '2^53 - 1 reads as a number', signature, value: TWO_53 - 1, bytes: i64(2n ** 53n - 1n), read: TWO_53 - 1 },
    { name: '2^53 + 1 reads as an exact bigint', signature, value: 2n ** 53n + 1n, bytes: i64(2n ** 53n + 1n), read: 2n ** 53n + 1n },
    { name: '-(2^53 - 1) reads as a number', signature, value: -(TWO_53 - 1), bytes: i64(-(2n ** 53n) + 1n), read: -(TWO_53 - 1) },
    { name: '-(2^53 + 1) reads as an exact bigint', signature, value: -(2n ** 53n) - 1n, bytes: i64(-(2n ** 53n) - 1n), read: -(2n ** 53n) - 1n },
    { name: 'max (2^63 - 1)', signature, value: I64_MAX, bytes: i64(I64_MAX), read: I64_MAX },
    { name: 'min (-2^63)', signature, value: I64_MIN, bytes: i64(I64_MIN), read: I64_MIN },
    { name: '2^63 wraps to -2^63', signature, value: 2n ** 63n, bytes: i64(I64_MIN), read: I64_MIN },
    { name: 'NaN stores 0', signature, value: NaN, bytes: i64(0n), read: 0 },
  ];
}

const u32 = (n: number) => le(4, (b) => b.writeUInt32LE(n));
const i32 = (n: number) => le(4, (b) => b.writeInt32LE(n));
const u16le = (n: number) => le(2, (b) => b.writeUInt16LE(n));
const i16 = (n: number) => le(2, (b) => b.writeInt16LE(n));
const i8 = (n: number) => le(1, (b) => b.writeInt8(n));
const f32 = (n: number) => le(4, (b) => b.writeFloatLE(n));
const f64 = (n: number) => le(8, (b) => b.writeDoubleLE(n));

export const INTEGER_CASES: readonly SlotCase[] = [
  ...unsigned64('Q'),
  ...unsigned64('L'),
  ...signed64('q'),
  ...signed64('l'),

  { name: 'zero', signature: 'I', value: 0, bytes: u32(0), read: 0 },
  { name: 'max', signature: 'I', value: 0xffffffff, bytes: u32(0xffffffff), read: 0xffffffff },
  { name: '2^32 wraps to 0', signature: 'I', value: 2 ** 32, bytes: u32(0), read: 0 },
  { name: '2^32 + 5 wraps to 5', signature: 'I', value: 2 ** 32 + 5, bytes: u32(5), read: 5 },
  { name: '-1 wraps to max', signature: 'I', value: -1, bytes: u32(0xffffffff), read: 0xffffffff },
  { name: 'a bigint beyond 2^53 wraps exactly', signature: 'I', value: 2n ** 64n + 9n, bytes: u32(9), read: 9 },
  { name: 'a fraction is truncated', signature: 'I', value: 3.9, bytes: u32(3), read: 3 },
  { name: 'NaN stores 0', signature: 'I', value: NaN, bytes: u32(0), read: 0 },
  { name: '-Infinity stores 0', signature: 'I', value: -Infinity, bytes: u32(0), read: 0 },

  { name: 'min', signature: 'i', value: -(2 ** 31), bytes: i32(-(2 ** 31)), read: -(2 ** 31) },
  { name: 'max', signature: 'i', value: 2 ** 31 - 1, bytes: i32(2 ** 31 - 1), read: 2 ** 31 - 1 },
  { name: '2^31 wraps to min', signature: 'i', value: 2 ** 31, bytes: i32(-(2 ** 31)), read: -(2 ** 31) },
  { name: '-1', signature: 'i', value: -1, bytes: i32(-1), read: -1 },
  { name: 'a negative bigint', signature: 'i', value: -7n, bytes: i32(-7), read: -7 },

  { name: 'max', signature: 'H', value: 65535, bytes: u16le(65535), read: 65535 },
  { name: '-1 wraps to 65535', signature: 'H', value: -1, bytes: u16le(65535), read: 65535 },
  { name: '65536 wraps to 0', signature: 'H', value: 65536, bytes: u16le(0), read: 0 },
  { name: 'NaN stores 0', signature: 'H', value: NaN, bytes: u16le(0), read: 0 },

  { name: 'min', signature: 'h', value: -32768, bytes: i16(-32768), read: -32768 },
  { name: 'max', signature: 'h', value: 32767, bytes: i16(32767), read: 32767 },
  { name: '32768 wraps to min', signature: 'h', value: 32768, bytes: i16(-32768), read: -32768 },

  { name: 'min', signature: 'b', value: -128, bytes: i8(-128), read: -128 },
  { name: 'max', signature: 'b', value: 127, bytes: i8(127), read: 127 },
  { name: '128 wraps to -128', signature: 'b', value: 128, bytes: i8(-128), read: -128 },
  { name: '255 wraps to -1', signature: 'b', value: 255, bytes: i8(-1), read: -1 },
];

export const BOOL_CASES: readonly SlotCase[] = [
  { name: 'true stores 1', signature: '?', value: true, bytes: Buffer.from([1]), read: true },
  { name: 'false stores 0', signature: '?', value: false, bytes: Buffer.from([0]), read: false },
  { name: 'a nonzero number stores 1', signature: '?', value: 42, bytes: Buffer.from([1]), read: true },
  { name: '0 stores 0', signature: '?', value: 0, bytes: Buffer.from([0]), read: false },
];

export const FLOAT_CASES: readonly SlotCase[] = [
  { name: 'zero', signature: 'f', value: 0, bytes: f32(0), read: 0 },
  { name: '0.1 reads back as the nearest float32', signature: 'f', value: 0.1, bytes: f32(0.1), read: 0.10000000149011612 },
  { name: '-0 keeps its sign', signature: 'f', value: -0, bytes: f32(-0), read: -0 },
  { name: 'NaN', signature: 'f', value: NaN, bytes: f32(NaN), read: NaN },
  { name: 'Infinity', signature: 'f', value: Infinity, bytes: f32(Infinity), read: Infinity },
  { name: '-Infinity', signature: 'f', value: -Infinity, bytes: f32(-Infinity), read: -Infinity },
  { name: 'largest float32', signature: 'f', value: 3.4028234663852886e38, bytes: f32(3.4028234663852886e38), read: 3.4028234663852886e38 },
  { name: 'beyond float32 becomes Infinity', signature: 'f', value: 1e39, bytes: f32(Infinity), read: Infinity },

  { name: 'zero', signature: 'd', value: 0, bytes: f64(0), read: 0 },
  { name: '0.1 is exact', signature: 'd', value: 0.1, bytes: f64(0.1), read: 0.1 },
  { name: '-0 keeps its sign', signature: 'd', value: -0, bytes: f64(-0), read: -0 },
  { name: 'NaN', signature: 'd', value: NaN, bytes: f64(NaN), read: NaN },
  { name: 'Infinity', signature: 'd', value: Infinity, bytes: f64(Infinity), read: Infinity },
  { name: '-Infinity', signature: 'd', value: -Infinity, bytes: f64(-Infinity), read: -Infinity },
  { name: 'largest double', signature: 'd', value: Number.MAX_VALUE, bytes: f64(Number.MAX_VALUE), read: Number.MAX_VALUE },
  { name: 'smallest subnormal', signature: 'd', value: Number.MIN_VALUE, bytes: f64(Number.MIN_VALUE), read: Number.MIN_VALUE },
  { name: 'a bigint is converted', signature: 'd', value: 2n ** 60n, bytes: f64(2 ** 60), read: 2 ** 60 },
];

const A255 = 'a'.repeat(255);
const A256 = 'a'.repeat(256);
const E127 = 'é'.repeat(127); // 254 bytes

export const STRING_CASES: readonly SlotCase[] = [
  { name: 'one byte, no room for a NUL', signature: '1s', value: 'a', bytes: stringBytes(1, 'a'), read: 'a' },
  { name: 'empty string is a single NUL', signature: '1s', value: '', bytes: stringBytes(1, ''), read: '' },
  { name: 'a 2-byte character that does not fit is dropped', signature: '1s', value: 'é', bytes: stringBytes(1, ''), read: '' },
  { name: 'short ASCII', signature: '16s', value: 'hello', bytes: stringBytes(16, 'hello'), read: 'hello' },
  { name: 'exactly 16 bytes, no NUL', signature: '16s', value: 'abcdefghijklmnop', bytes: stringBytes(16, 'abcdefghijklmnop'), read: 'abcdefghijklmnop' },
  { name: 'too long: cut at 16 bytes', signature: '16s', value: 'abcdefghijklmnopqrstuvwxyz', bytes: stringBytes(16, 'abcdefghijklmnop'), read: 'abcdefghijklmnop' },
  {
    name: 'a 3-byte character straddling the end is cut on its boundary',
    signature: '16s',
    value: 'x'.repeat(14) + '€',
    bytes: Buffer.concat([Buffer.from('x'.repeat(14)), Buffer.from([0, 0])]),
    read: 'x'.repeat(14),
  },
  {
    name: 'a 4-byte character straddling the end is cut on its boundary',
    signature: '16s',
    value: 'x'.repeat(13) + '😀',
    bytes: Buffer.concat([Buffer.from('x'.repeat(13)), Buffer.from([0, 0, 0])]),
    read: 'x'.repeat(13),
  },
  { name: 'multi-byte text that fits', signature: '16s', value: 'Grüße 😀', bytes: stringBytes(16, 'Grüße 😀'), read: 'Grüße 😀' },
  { name: 'a number is stored as its text', signature: '16s', value: 42, bytes: stringBytes(16, '42'), read: '42' },
  { name: '255 bytes fill the default size', signature: '255s', value: A255, bytes: stringBytes(255, A255), read: A255 },
  { name: '127 two-byte characters then a NUL', signature: '255s', value: E127, bytes: stringBytes(255, E127), read: E127 },
  { name: '128 two-byte characters: the last one is dropped', signature: '255s', value: E127 + 'é', bytes: stringBytes(255, E127), read: E127 },
  { name: '256 bytes fill a static text field', signature: '256s', value: A256, bytes: stringBytes(256, A256), read: A256 },
  { name: '257 bytes are cut to 256', signature: '256s', value: A256 + 'b', bytes: stringBytes(256, A256), read: A256 },
];

export const SLOT_CASES: readonly SlotCase[] = [...INTEGER_CASES, ...BOOL_CASES, ...FLOAT_CASES, ...STRING_CASES];
