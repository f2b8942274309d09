import { MAX_STRING_SIZE } from './constants';

/** How the bytes of a value are to be read (SPEC.md §4). */
export type ValueKind = 'uint' | 'int' | 'float' | 'bool' | 'string';

/** A decoded value: 64-bit integers are a `number` while exact, a `bigint` beyond 2^53. */
export type StatValue = number | bigint | boolean | string;

/** What a type signature means: its kind and the size of one slot in bytes. */
export interface TypeInfo {
  readonly signature: string;
  readonly kind: ValueKind;
  readonly size: number;
}

const FIXED: ReadonlyMap<string, TypeInfo> = new Map(
  (
    [
      ['Q', 'uint', 8],
      ['q', 'int', 8],
      // `L`/`l` were written by mmstats before 0.3.8 on 64-bit Linux, where they were 8 bytes wide.
      ['L', 'uint', 8],
      ['l', 'int', 8],
      ['I', 'uint', 4],
      ['i', 'int', 4],
      ['H', 'uint', 2],
      ['h', 'int', 2],
      ['b', 'int', 1],
      ['?', 'bool', 1],
      ['f', 'float', 4],
      ['d', 'float', 8],
    ] as const
  ).map(([signature, kind, size]) => [signature, { signature, kind, size }]),
);

/** Every fixed-size type signature a reader understands, in SPEC.md's order. */
export const FIXED_SIGNATURES: readonly string[] = [...FIXED.keys()];

const STRING_SIGNATURE = /^([1-9][0-9]{0,9})s$/;

/**
 * Looks up a type signature: one of `Q q L l I i H h b ? f d`, or `<N>s` for a string of N bytes
 * (N from 1 to 2^31 - 1, no leading zeros). Returns `undefined` for anything else.
 */
export function parseTypeSignature(signature: string): TypeInfo | undefined {
  const fixed = FIXED.get(signature);
  if (fixed) return fixed;
  const match = STRING_SIGNATURE.exec(signature);
  if (!match) return undefined;
  const size = Number(match[1]);
  if (size > MAX_STRING_SIZE) return undefined;
  return stringType(size);
}

// Indexed by the byte of a one-letter signature: decoding a layout looks types up without a string.
const FIXED_BY_BYTE: ReadonlyArray<TypeInfo | undefined> = Array.from({ length: 256 }, (_, byte) => FIXED.get(String.fromCharCode(byte)));

/** The fixed-size type whose signature is the single byte `byte`, if any. */
export function fixedTypeOfByte(byte: number): TypeInfo | undefined {
  return FIXED_BY_BYTE[byte];
}

/**
 * The size N of a `<N>s` signature from its digits `bytes[at, at + digits)`: undefined unless
 * they are 1 to 10 decimal digits without a leading zero, making at most `MAX_STRING_SIZE`.
 */
export function stringSizeOf(bytes: Uint8Array, at: number, digits: number): number | undefined {
  if (digits < 1 || digits > 10 || bytes[at] === 0x30) return undefined;
  let size = 0;
  for (let k = at; k < at + digits; k++) {
    const digit = bytes[k] - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    size = size * 10 + digit;
  }
  return size > MAX_STRING_SIZE ? undefined : size;
}

// Files use a handful of string sizes; sharing their TypeInfo saves an object per record. Bounded:
// a hostile file could declare every size.
const STRING_TYPES = new Map<number, TypeInfo>();
const MAX_SHARED_STRING_TYPES = 1024;

/** The type of a `<size>s` signature; `size` is a whole number from 1 to `MAX_STRING_SIZE`. */
export function stringType(size: number): TypeInfo {
  const shared = STRING_TYPES.get(size);
  if (shared) return shared;
  const type: TypeInfo = { signature: `${size}s`, kind: 'string', size };
  if (STRING_TYPES.size < MAX_SHARED_STRING_TYPES) STRING_TYPES.set(size, type);
  return type;
}

/** The signature of a string field of `size` bytes. */
export function stringSignature(size: number): string {
  return `${size}s`;
}

const TWO_32 = 4294967296;

// Labels and strings come from other processes: bad UTF-8 becomes U+FFFD, never an exception.
const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Decodes UTF-8 without ever throwing; invalid sequences become U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

const latin1 = new TextDecoder('latin1');

/**
 * `bytes` as a string of one character per byte: wherever the bytes are ASCII, the same text as
 * `decodeUtf8`. A reader of many short ASCII strings (labels, metadata entries) decodes their
 * bytes once this way and slices the strings out, instead of making a view and a decoding each.
 */
export function bytesAsText(bytes: Uint8Array): string {
  return latin1.decode(bytes);
}

/** Whether `bytes[from, to)` are all ASCII (below 0x80). */
export function isAscii(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] >= 0x80) return false;
  return true;
}

// 64-bit integers are a number while safe (|v| <= 2^53 - 1, both signs alike), a bigint beyond.
function uint64(view: DataView, at: number): number | bigint {
  const value = view.getUint32(at + 4, true) * TWO_32 + view.getUint32(at, true);
  return Number.isSafeInteger(value) ? value : view.getBigUint64(at, true);
}

function int64(view: DataView, at: number): number | bigint {
  // Exact whenever it is safe: the halves are exact and their sum is below 2^53 in magnitude.
  const value = view.getInt32(at + 4, true) * TWO_32 + view.getUint32(at, true);
  return Number.isSafeInteger(value) ? value : view.getBigInt64(at, true);
}

/**
 * Reads one slot holding a value of `type` at byte `at` (little-endian, no alignment).
 * The caller has checked that `at + type.size` is inside the view.
 */
export function readSlot(view: DataView, at: number, type: TypeInfo): StatValue {
  const size = type.size;
  switch (type.kind) {
    case 'float':
      return size === 8 ? view.getFloat64(at, true) : view.getFloat32(at, true);
    case 'uint':
      return size === 8 ? uint64(view, at) : readSmallUint(view, at, size);
    case 'int':
      return size === 8 ? int64(view, at) : readSmallInt(view, at, size);
    case 'bool':
      return view.getUint8(at) !== 0;
    case 'string':
      return readString(view, at, size);
  }
}

function readSmallUint(view: DataView, at: number, size: number): number {
  return size === 4 ? view.getUint32(at, true) : size === 2 ? view.getUint16(at, true) : view.getUint8(at);
}

function readSmallInt(view: DataView, at: number, size: number): number {
  return size === 4 ? view.getInt32(at, true) : size === 2 ? view.getInt16(at, true) : view.getInt8(at);
}

/** The text of a string slot: its bytes up to the first NUL (SPEC.md §8.2). */
function readString(view: DataView, at: number, size: number): string {
  const bytes = new Uint8Array(view.buffer, view.byteOffset + at, size);
  const nul = bytes.indexOf(0);
  if (nul === 0) return '';
  return decodeUtf8(nul === -1 ? bytes : bytes.subarray(0, nul));
}

const utf8Encoder = new TextEncoder();

/**
 * Writes `value` into one slot, converting it like the writer's fields do: integers wrap to the
 * slot's width (NaN and infinities store 0), booleans store 0/1, strings are UTF-8, cut on a
 * character boundary and NUL-terminated when shorter than the slot. Not the writer's hot path:
 * used to encode initial and static values.
 */
export function writeSlot(view: DataView, at: number, type: TypeInfo, value: StatValue): void {
  switch (type.kind) {
    case 'float':
      if (type.size === 8) view.setFloat64(at, Number(value), true);
      else view.setFloat32(at, Number(value), true);
      return;
    case 'bool':
      view.setUint8(at, value ? 1 : 0);
      return;
    case 'string': {
      const bytes = new Uint8Array(view.buffer, view.byteOffset + at, type.size);
      const written = encodeUtf8Into(String(value), bytes);
      if (written < type.size) bytes[written] = 0;
      return;
    }
    case 'uint':
    case 'int':
      writeInteger(view, at, type.size, value);
      return;
  }
}

function writeInteger(view: DataView, at: number, size: number, value: StatValue): void {
  if (size === 8) {
    view.setBigUint64(at, BigInt.asUintN(64, toBigInt(value)), true);
    return;
  }
  const n = typeof value === 'bigint' ? Number(BigInt.asIntN(32, value)) : Number(value);
  // DataView's integer setters already wrap modulo 2^width and store 0 for NaN and infinities.
  if (size === 4) view.setUint32(at, n, true);
  else if (size === 2) view.setUint16(at, n, true);
  else view.setUint8(at, n);
}

/** Converts a value to a bigint the way an integer slot does: truncates, NaN and infinities give 0. */
export function toBigInt(value: StatValue): bigint {
  if (typeof value === 'bigint') return value;
  const n = Number(value);
  return Number.isFinite(n) ? BigInt(Math.trunc(n)) : 0n;
}

/**
 * Encodes `text` as UTF-8 into `target`, stopping before a character that does not fit whole.
 * Returns the number of bytes written.
 */
export function encodeUtf8Into(text: string, target: Uint8Array): number {
  return utf8Encoder.encodeInto(text, target).written;
}
