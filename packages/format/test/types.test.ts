import {
  DEFAULT_STRING_SIZE,
  FIXED_SIGNATURES,
  MAX_STRING_SIZE,
  STATIC_TEXT_SIZE,
  decodeUtf8,
  encodeUtf8Into,
  parseTypeSignature,
  readSlot,
  stringSignature,
  toBigInt,
  writeSlot,
  type TypeInfo,
} from '@mmstats/format';
import { BOOL_CASES, FLOAT_CASES, INTEGER_CASES, SLOT_CASES, STRING_CASES, type SlotCase } from './util';

function typeOf(signature: string): TypeInfo {
  const type = parseTypeSignature(signature);
  if (!type) throw new Error(`test table uses an unknown signature ${signature}`);
  return type;
}

const AT = 3; // an odd offset: slots are packed, never aligned
const GUARD = 0xee;

/** A buffer with the slot at an unaligned offset, guard bytes around it and zeros inside it. */
function slotBuffer(size: number): { buffer: Buffer; view: DataView } {
  const buffer = Buffer.alloc(AT + size + 3, GUARD);
  buffer.fill(0, AT, AT + size);
  return { buffer, view: new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength) };
}

function describeCase(c: SlotCase): string {
  return `${c.signature}: ${c.name}`;
}

describe('type signatures', () => {
  it('knows every fixed-size signature, in SPEC order, with its kind and slot size', () => {
    expect(FIXED_SIGNATURES).toEqual(['Q', 'q', 'L', 'l', 'I', 'i', 'H', 'h', 'b', '?', 'f', 'd']);
    const table = FIXED_SIGNATURES.map((s) => {
      const t = typeOf(s);
      return [t.signature, t.kind, t.size];
    });
    expect(table).toEqual([
      ['Q', 'uint', 8],
      ['q', 'int', 8],
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
    ]);
  });

  it.each([
    ['1s', 1],
    ['16s', 16],
    [`${DEFAULT_STRING_SIZE}s`, 255],
    [`${STATIC_TEXT_SIZE}s`, 256],
    ['2147483647s', MAX_STRING_SIZE],
  ])('reads string signature %s as a string of %d bytes', (signature, size) => {
    expect(parseTypeSignature(signature)).toEqual({ signature, kind: 'string', size });
  });

  it.each(['', 'x', 's', '0s', '01s', '2I', '<Q', 'Q ', ' Q', 'QQ', '16S', '-1s', '1.5s', '2147483648s', '99999999999s'])(
    'rejects %j',
    (signature) => {
      expect(parseTypeSignature(signature)).toBeUndefined();
    },
  );

  it('writes the signature of a string field as <size>s', () => {
    expect(stringSignature(16)).toBe('16s');
    expect(parseTypeSignature(stringSignature(DEFAULT_STRING_SIZE))?.size).toBe(DEFAULT_STRING_SIZE);
  });
});

describe('slot values round-trip through the exact bytes of format v1', () => {
  it('covers every type signature', () => {
    const covered = new Set(SLOT_CASES.map((c) => c.signature));
    for (const s of [...FIXED_SIGNATURES, '1s', '16s', '255s', '256s']) expect(covered).toContain(s);
  });

  describe.each([
    ['integers', INTEGER_CASES],
    ['booleans', BOOL_CASES],
    ['floats', FLOAT_CASES],
    ['strings', STRING_CASES],
  ] as const)('%s', (_kind, cases) => {
    it.each(cases.map((c) => [describeCase(c), c] as const))('%s', (_name, c) => {
      const type = typeOf(c.signature);
      expect(c.bytes.length).toBe(type.size);
      const { buffer, view } = slotBuffer(type.size);

      writeSlot(view, AT, type, c.value);

      // Exactly the expected bytes, and nothing outside the slot touched.
      expect(buffer.subarray(AT, AT + type.size)).toEqual(c.bytes);
      expect([...buffer.subarray(0, AT), ...buffer.subarray(AT + type.size)].every((b) => b === GUARD)).toBe(true);

      // Reading the independently built bytes gives the expected value, with its exact JS type.
      const fromExpected = Buffer.concat([Buffer.from([GUARD, GUARD, GUARD]), c.bytes]);
      const read = readSlot(new DataView(fromExpected.buffer, fromExpected.byteOffset, fromExpected.byteLength), AT, type);
      expect(typeof read).toBe(typeof c.read);
      expect(read).toBe(c.read); // Object.is: tells -0 from 0, matches NaN
    });
  });

  it('returns 64-bit integers as numbers up to 2^53 - 1 and as bigints beyond', () => {
    const bytes = Buffer.alloc(8);
    const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
    bytes.writeBigUInt64LE(2n ** 53n - 1n);
    expect(readSlot(view, 0, typeOf('Q'))).toBe(Number.MAX_SAFE_INTEGER);
    bytes.writeBigUInt64LE(2n ** 53n + 1n);
    // A number could not tell 2^53 + 1 from 2^53: the reader must not round.
    expect(readSlot(view, 0, typeOf('Q'))).toBe(9007199254740993n);
    bytes.writeBigInt64LE(-(2n ** 53n) - 1n);
    expect(readSlot(view, 0, typeOf('q'))).toBe(-9007199254740993n);
  });
});

describe('booleans', () => {
  it.each([0x01, 0x02, 0x80, 0xff])('reads any nonzero byte (0x%s) as true', (byte) => {
    const view = new DataView(Uint8Array.of(byte).buffer);
    expect(readSlot(view, 0, typeOf('?'))).toBe(true);
  });
});

describe('strings', () => {
  const type16 = () => typeOf('16s');

  it('writes UTF-8 then one NUL, leaving stale bytes after it that readers ignore', () => {
    const bytes = Buffer.alloc(16);
    const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
    writeSlot(view, 0, type16(), 'hello world');
    writeSlot(view, 0, type16(), 'hi');
    expect(bytes).toEqual(Buffer.from('hi\0lo world\0\0\0\0\0', 'latin1'));
    expect(readSlot(view, 0, type16())).toBe('hi');
  });

  it('reads up to the first NUL only', () => {
    const bytes = Buffer.from('ab\0cd\0\0\0\0\0\0\0\0\0\0\0', 'latin1');
    expect(readSlot(new DataView(bytes.buffer, bytes.byteOffset, 16), 0, type16())).toBe('ab');
  });

  it('reads a slot with no NUL as exactly its size, not past it', () => {
    const bytes = Buffer.from('0123456789abcdefXYZ', 'latin1'); // the slot is the first 16 bytes
    expect(readSlot(new DataView(bytes.buffer, bytes.byteOffset, bytes.length), 0, type16())).toBe('0123456789abcdef');
  });

  it('decodes invalid UTF-8 from another process to U+FFFD instead of throwing', () => {
    const bytes = Buffer.alloc(16);
    Buffer.from([0x61, 0xff, 0x62, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xe2, 0x82]).copy(bytes);
    const value = readSlot(new DataView(bytes.buffer, bytes.byteOffset, 16), 0, type16());
    expect(typeof value).toBe('string');
    expect(value).toMatch(/^a\uFFFDb\uFFFD\(\uFFFD+$/);
  });

  it('keeps a leading byte order mark as part of the text', () => {
    expect(decodeUtf8(Uint8Array.of(0xef, 0xbb, 0xbf, 0x61))).toBe('\uFEFFa');
  });

  it('encodeUtf8Into never writes part of a character', () => {
    const target = new Uint8Array(5);
    expect(encodeUtf8Into('ab😀', target)).toBe(2);
    expect(encodeUtf8Into('abc€', target)).toBe(3);
    expect(encodeUtf8Into('ab€', target)).toBe(5);
    expect(Buffer.from(target).toString('utf8')).toBe('ab€');
  });
});

describe('toBigInt', () => {
  it.each([
    [5, 5n],
    [-5, -5n],
    [7.9, 7n],
    [-7.9, -7n],
    [2 ** 60, 2n ** 60n],
    [2n ** 70n, 2n ** 70n],
    [true, 1n],
    [false, 0n],
    ['12', 12n],
    [NaN, 0n],
    [Infinity, 0n],
    [-Infinity, 0n],
    ['not a number', 0n],
  ] as const)('converts %p to %p like an integer slot', (value, expected) => {
    expect(toBigInt(value)).toBe(expected);
  });
});
