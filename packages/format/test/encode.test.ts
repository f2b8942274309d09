import {
  EncodeError,
  UNBUFFERED,
  alignedSignature,
  appendRecords,
  decodeFile,
  parseTypeSignature,
  signaturePadding,
  slotAlignment,
  encodeFile,
  layoutRecords,
  writeRecords,
  type RecordLayout,
  type RecordSpec,
} from '@mmstats/format';
import { FIXTURE_SPECS, readFixture, xxd } from './util';

// The writes below follow format v1 by hand, with Buffer methods, not with the codec's writeSlot:
// a buffered field writes slot[writeIndex] and then flips the write index; an unbuffered string is
// written in place as UTF-8 bytes and one NUL, leaving stale bytes after it.

function writeDouble(file: Buffer, record: RecordLayout, value: number): void {
  const wb = file[record.writeIndexOffset];
  file.writeDoubleLE(value, record.slotOffsets[wb]);
  file[record.writeIndexOffset] = wb ^ 1;
}

function addToCounter(file: Buffer, record: RecordLayout, amount: bigint): void {
  const wb = file[record.writeIndexOffset];
  const current = file.readBigUInt64LE(record.slotOffsets[wb ^ 1]);
  file.writeBigUInt64LE(current + amount, record.slotOffsets[wb]);
  file[record.writeIndexOffset] = wb ^ 1;
}

function writeString(file: Buffer, record: RecordLayout, text: string): void {
  const at = record.slotOffsets[0];
  const written = file.write(text, at, record.type.size, 'utf8');
  if (written < record.type.size) file[at + written] = 0;
}

describe('encodeFile', () => {
  it('reproduces the original mmstats file byte for byte after the same writes', () => {
    const { bytes, plan } = encodeFile(FIXTURE_SPECS);
    expect(bytes.length).toBe(4096);
    const file = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const [load, hits, name, up] = plan.records;

    writeDouble(file, load, 0.5);
    writeDouble(file, load, 2.25);
    addToCounter(file, hits, 1n);
    addToCounter(file, hits, 1n);
    addToCounter(file, hits, 3n);
    writeString(file, name, 'hello world');
    writeString(file, name, 'hi');
    file[up.slotOffsets[0]] = 1;

    expect(xxd(file)).toBe(xxd(readFixture()));
  });

  it('writes a fresh file as the original did before any write: zero slots, write index 0 or 0xff', () => {
    const { bytes } = encodeFile(FIXTURE_SPECS);
    const expected = Buffer.alloc(4096);
    Buffer.concat([
      Buffer.from([0x01]),
      Buffer.from('0400', 'hex'), Buffer.from('load'), Buffer.from('0100', 'hex'), Buffer.from('d'), Buffer.from([0x00]), Buffer.alloc(16),
      Buffer.from('0400', 'hex'), Buffer.from('hits'), Buffer.from('0100', 'hex'), Buffer.from('Q'), Buffer.from([0x00]), Buffer.alloc(16),
      Buffer.from('0400', 'hex'), Buffer.from('name'), Buffer.from('0300', 'hex'), Buffer.from('16s'), Buffer.from([0xff]), Buffer.alloc(16),
      Buffer.from('0200', 'hex'), Buffer.from('up'), Buffer.from('0100', 'hex'), Buffer.from('?'), Buffer.from([0xff]), Buffer.alloc(1),
    ]).copy(expected);
    expect(xxd(bytes)).toBe(xxd(expected));
  });

  it('stores initial values where a reader sees them', () => {
    const specs: RecordSpec[] = [
      { label: 'started', signature: 'd', buffered: true, initial: 1700000000.25 },
      { label: 'build', signature: '16s', buffered: false, initial: 'v1.2.3' },
      { label: 'count', signature: 'Q', buffered: true },
      { label: 'big', signature: 'q', buffered: true, initial: -(2n ** 62n) },
    ];
    const { bytes, plan } = encodeFile(specs);
    const file = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const [started, build, count, big] = plan.records;

    // A buffered initial value goes into slot 0 with the write index left at 1, as if written once.
    expect(file[started.writeIndexOffset]).toBe(1);
    expect(file.readDoubleLE(started.slotOffsets[0])).toBe(1700000000.25);
    expect(file.readDoubleLE(started.slotOffsets[1])).toBe(0);
    expect(file[build.writeIndexOffset]).toBe(UNBUFFERED);
    expect(file.toString('latin1', build.slotOffsets[0], build.slotOffsets[0] + 7)).toBe('v1.2.3\0');
    expect(file[count.writeIndexOffset]).toBe(0);
    expect(file.readBigInt64LE(big.slotOffsets[0])).toBe(-(2n ** 62n));

    expect(decodeFile(bytes).map((r) => [r.label, r.value])).toEqual([
      ['started', 1700000000.25],
      ['build', 'v1.2.3'],
      ['count', 0],
      ['big', -(2n ** 62n)],
    ]);
  });

  it('decodes back every type signature it encodes, with labels in any script', () => {
    const specs: RecordSpec[] = [
      { label: 'u64', signature: 'Q', buffered: true, initial: 2n ** 64n - 1n },
      { label: 'i64', signature: 'q', buffered: false, initial: -3 },
      { label: 'old-u64', signature: 'L', buffered: true, initial: 8 },
      { label: 'old-i64', signature: 'l', buffered: true, initial: -8 },
      { label: 'u32', signature: 'I', buffered: true, initial: 4000000000 },
      { label: 'i32', signature: 'i', buffered: false, initial: -4 },
      { label: 'u16', signature: 'H', buffered: true, initial: 65535 },
      { label: 'i16', signature: 'h', buffered: true, initial: -16 },
      { label: 'i8', signature: 'b', buffered: false, initial: -128 },
      { label: '✓ healthy', signature: '?', buffered: false, initial: true },
      { label: 'température', signature: 'f', buffered: true, initial: 21.5 },
      { label: '負荷', signature: 'd', buffered: true, initial: 0.75 },
      { label: 'text 😀', signature: '255s', buffered: false, initial: 'ok 😀' },
    ];
    const records = decodeFile(encodeFile(specs, { allowLegacySignatures: true }).bytes);
    expect(records.map((r) => [r.label, r.signature, r.writeIndex === UNBUFFERED, r.value])).toEqual(
      specs.map((s) => [s.label, s.signature, !s.buffered, s.initial]),
    );
  });

  it('rounds the file up to the page size it is given', () => {
    expect(encodeFile(FIXTURE_SPECS, { pageSize: 16384 }).bytes.length).toBe(16384);
  });
});

describe('writeRecords', () => {
  it('writes into a larger buffer that does not start at offset 0 (such as a slice of a mapping)', () => {
    const plan = layoutRecords(FIXTURE_SPECS);
    const backing = Buffer.alloc(100 + plan.fileSize + 100, 0);
    const target = backing.subarray(100, 100 + plan.fileSize);
    writeRecords(target, plan, FIXTURE_SPECS);
    expect(xxd(target)).toBe(xxd(encodeFile(FIXTURE_SPECS).bytes));
    expect(backing.subarray(0, 100).every((b) => b === 0)).toBe(true);
    expect(backing.subarray(100 + plan.fileSize).every((b) => b === 0)).toBe(true);
  });

  it('refuses a target smaller than the planned file', () => {
    const plan = layoutRecords(FIXTURE_SPECS);
    expect(() => writeRecords(new Uint8Array(4095), plan, FIXTURE_SPECS)).toThrow(EncodeError);
    expect(() => writeRecords(new Uint8Array(4095), plan, FIXTURE_SPECS)).toThrow('target holds 4095 bytes; the file needs 4096');
  });
});

describe('legacy signatures', () => {
  test('L and l are refused unless explicitly allowed, so new files never carry them', () => {
    const specs = [{ label: 'old', signature: 'L', buffered: true }];
    expect(() => encodeFile(specs)).toThrow(EncodeError);
    expect(() => encodeFile(specs)).toThrow(/legacy signature/);
    expect(decodeFile(encodeFile(specs, { allowLegacySignatures: true }).bytes)[0].signature).toBe('L');
  });

  test('writeRecords zeroes a reused target before writing', () => {
    const specs = [{ label: 'a', signature: 'd', buffered: true }];
    const { plan } = encodeFile(specs);
    const dirty = new Uint8Array(plan.fileSize).fill(0xaa);
    writeRecords(dirty, plan, specs);
    expect(dirty).toEqual(encodeFile(specs).bytes);
  });
});

describe("layout: 'aligned' (SPEC.md §4.5)", () => {
  const EVERY_TYPE: RecordSpec[] = [
    { label: 'u64', signature: 'Q', buffered: true, initial: 2n ** 64n - 1n },
    { label: 'i64.static', signature: 'q', buffered: false, initial: -(2n ** 63n) },
    { label: 'ratio', signature: 'd', buffered: true, initial: 0.1 },
    { label: 'u32', signature: 'I', buffered: true, initial: 4000000000 },
    { label: 'i32.x', signature: 'i', buffered: false, initial: -4 },
    { label: 'f32', signature: 'f', buffered: true, initial: 0.5 },
    { label: 'u16.abc', signature: 'H', buffered: true, initial: 65535 },
    { label: 'i16', signature: 'h', buffered: false, initial: -16 },
    { label: 'i8', signature: 'b', buffered: false, initial: -1 },
    { label: 'ok', signature: '?', buffered: true, initial: true },
    { label: 'text', signature: '13s', buffered: true, initial: 'odd' },
    { label: 'after.text', signature: 'd', buffered: true, initial: -2.5 },
  ];

  /** The signature bytes of `record` as the file holds them, read with Buffer. */
  const signatureBytes = (file: Buffer, record: RecordLayout) => {
    const at = record.labelOffset + record.labelLength;
    return file.toString('latin1', at + 2, at + 2 + file.readUInt16LE(at));
  };

  it('puts every slot of a 2-, 4- or 8-byte number at a multiple of its size, with the fewest trailing spaces', () => {
    const { bytes, plan } = encodeFile(EVERY_TYPE, { layout: 'aligned' });
    const file = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (const record of plan.records) {
      const size = record.type.kind === 'string' ? 1 : record.type.size;
      const stored = signatureBytes(file, record);
      expect([record.label, record.slotOffsets.map((at) => at % size)]).toEqual([record.label, [0, 0]]);
      // The bare signature, then fewer spaces than the slot size.
      expect([record.label, stored.trimEnd(), stored.length - stored.trimEnd().length < size]).toEqual([record.label, record.signature, true]);
    }
    // Some signatures needed padding, so the layout differs from the original packing.
    expect(plan.records.some((r) => r.signatureLength > r.signature.length)).toBe(true);
    expect(decodeFile(bytes).map((r) => [r.label, r.signature, r.value])).toEqual(EVERY_TYPE.map((s) => [s.label, s.signature, s.initial]));
  });

  it("keeps the original's exact bytes by default and with layout: 'original'", () => {
    expect(xxd(encodeFile(FIXTURE_SPECS, { layout: 'original' }).bytes)).toBe(xxd(encodeFile(FIXTURE_SPECS).bytes));
    expect(layoutRecords(EVERY_TYPE).records.every((r) => r.signatureLength === r.signature.length)).toBe(true);
  });

  it('aligns records added to a live file too', () => {
    const { bytes } = encodeFile([{ label: 'a', signature: 'b', buffered: false }], { metadata: [], reserve: 400, layout: 'aligned' });
    const added = appendRecords(bytes, EVERY_TYPE.slice(0, 8), 1, 0, { layout: 'aligned' })!;
    expect(added.map((r) => r.slotOffsets[0] % r.type.size)).toEqual(added.map(() => 0));
    expect(decodeFile(bytes).map((r) => r.label)).toEqual(['a', ...EVERY_TYPE.slice(0, 8).map((s) => s.label)]);
  });

  it('refuses a signature given with its padding, saying what to give instead', () => {
    expect(() => encodeFile([{ label: 'hits', signature: 'Q   ', buffered: true }], { layout: 'aligned' })).toThrow(
      new EncodeError(`label "hits": give the type code "Q" without whitespace; layout: 'aligned' pads it where the record lies`),
    );
  });

  it('refuses a layout it does not know', () => {
    expect(() => encodeFile(FIXTURE_SPECS, { layout: 'packed' as never })).toThrow(new EncodeError(`layout must be 'original' or 'aligned', got "packed"`));
  });
});

describe('alignedSignature', () => {
  it.each([
    ['Q', 13, 'Q   '],
    ['d', 16, 'd'],
    ['q', 9, 'q       '],
    ['I', 5, 'I   '],
    ['f', 8, 'f'],
    ['H', 3, 'H '],
    ['b', 3, 'b'],
    ['?', 5, '?'],
    ['255s', 7, '255s'],
  ])('pads %j whose slot would start at %d to %j', (signature, offset, expected) => {
    expect(alignedSignature(signature, offset)).toBe(expected);
  });

  it('gives the padding and the alignment behind it: the slot size for 2-, 4- and 8-byte numbers, else 1', () => {
    const type = (signature: string) => parseTypeSignature(signature)!;
    expect(['Q', 'q', 'd', 'L', 'I', 'i', 'f', 'H', 'h', 'b', '?', '8s', '4s'].map((s) => slotAlignment(type(s)))).toEqual([8, 8, 8, 8, 4, 4, 4, 2, 2, 1, 1, 1, 1]);
    expect([0, 1, 7, 8, 9].map((offset) => signaturePadding(type('d'), offset))).toEqual([0, 7, 1, 0, 7]);
    expect([0, 1, 3, 5].map((offset) => signaturePadding(type('H'), offset))).toEqual([0, 1, 1, 1]);
    expect(signaturePadding(type('255s'), 13)).toBe(0);
  });

  it('refuses an unknown signature and a bad offset', () => {
    expect(() => alignedSignature('B', 3)).toThrow(new EncodeError('unknown type signature "B": cannot align its slot'));
    expect(() => alignedSignature('Q', -1)).toThrow(new EncodeError('slot offset must be a whole number of bytes, got -1'));
  });
});
