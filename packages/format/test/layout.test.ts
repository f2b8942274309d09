import {
  DEFAULT_PAGE_SIZE,
  EncodeError,
  MAX_LABEL_BYTES,
  MmstatsError,
  decodeFile,
  encodeFile,
  fileSize,
  layoutRecords,
  recordSize,
  type RecordSpec,
} from '@mmstats/format';
import { FIXTURE_SPECS, rawFile, rawRecord } from './util';

describe('recordSize', () => {
  it('is 2 + label + 2 + signature + 1 + slot size, with two slots when buffered', () => {
    expect(recordSize(4, 1, 8, true)).toBe(26); // "load", d, buffered
    expect(recordSize(4, 3, 16, false)).toBe(28); // "name", 16s, unbuffered
    expect(recordSize(2, 1, 1, false)).toBe(9); // "up", ?, unbuffered
    expect(recordSize(65535, 11, 255, true)).toBe(2 + 65535 + 2 + 11 + 1 + 510);
  });
});

describe('fileSize', () => {
  it('is one page when the content fits in one', () => {
    expect(DEFAULT_PAGE_SIZE).toBe(4096);
    expect(fileSize(1)).toBe(4096);
    expect(fileSize(90)).toBe(4096);
    expect(fileSize(4096)).toBe(4096);
  });

  it('rounds larger content up to whole pages, keeping exact multiples', () => {
    expect(fileSize(4097)).toBe(8192);
    expect(fileSize(8192)).toBe(8192);
    expect(fileSize(8193)).toBe(12288);
    expect(fileSize(65558)).toBe(69632);
  });

  it('uses the page size it is given', () => {
    expect(fileSize(100, 16384)).toBe(16384);
    expect(fileSize(16384, 16384)).toBe(16384);
    expect(fileSize(16385, 16384)).toBe(32768);
  });
});

describe('layoutRecords', () => {
  it('packs the fixture model exactly where the original mmstats put it', () => {
    const plan = layoutRecords(FIXTURE_SPECS);
    expect(
      plan.records.map((r) => ({
        offset: r.offset,
        labelOffset: r.labelOffset,
        labelLength: r.labelLength,
        writeIndexOffset: r.writeIndexOffset,
        slotOffsets: r.slotOffsets,
        end: r.end,
        buffered: r.buffered,
      })),
    ).toEqual([
      { offset: 0x01, labelOffset: 0x03, labelLength: 4, writeIndexOffset: 0x0a, slotOffsets: [0x0b, 0x13], end: 0x1b, buffered: true },
      { offset: 0x1b, labelOffset: 0x1d, labelLength: 4, writeIndexOffset: 0x24, slotOffsets: [0x25, 0x2d], end: 0x35, buffered: true },
      { offset: 0x35, labelOffset: 0x37, labelLength: 4, writeIndexOffset: 0x40, slotOffsets: [0x41, 0x41], end: 0x51, buffered: false },
      { offset: 0x51, labelOffset: 0x53, labelLength: 2, writeIndexOffset: 0x58, slotOffsets: [0x59, 0x59], end: 0x5a, buffered: false },
    ]);
    expect(plan.records.map((r) => [r.index, r.label, r.signature, r.type.size])).toEqual([
      [0, 'load', 'd', 8],
      [1, 'hits', 'Q', 8],
      [2, 'name', '16s', 16],
      [3, 'up', '?', 1],
    ]);
    expect(plan.contentSize).toBe(0x5a);
    expect(plan.fileSize).toBe(4096);
  });

  it('counts label length in UTF-8 bytes, not characters', () => {
    const [record] = layoutRecords([{ label: 'größe 😀', signature: 'I', buffered: false }]).records;
    expect(record.labelLength).toBe(Buffer.byteLength('größe 😀', 'utf8'));
    expect(record.writeIndexOffset).toBe(1 + 2 + 12 + 2 + 1);
  });

  it('lays out an empty model as a version byte in a one-page file', () => {
    expect(layoutRecords([])).toEqual({ records: [], contentSize: 1, fileSize: 4096 });
    expect(decodeFile(encodeFile([]).bytes)).toEqual([]);
  });

  describe('refuses what format v1 cannot hold, with an EncodeError saying why', () => {
    function encodeError(specs: RecordSpec[]): EncodeError {
      let thrown: unknown;
      try {
        layoutRecords(specs);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(EncodeError);
      expect(thrown).toBeInstanceOf(MmstatsError);
      return thrown as EncodeError;
    }

    it('an empty label', () => {
      const error = encodeError([{ label: 'ok', signature: 'Q', buffered: true }, { label: '', signature: 'Q', buffered: true }]);
      expect(error.message).toBe('record 1: a label cannot be empty');
      expect(error.name).toBe('EncodeError');
    });

    it('a label of 65,536 ASCII bytes', () => {
      const error = encodeError([{ label: 'x'.repeat(65536), signature: 'Q', buffered: true }]);
      expect(error.message).toMatch(/is 65536 bytes; at most 65535 fit/);
      expect(error.message.length).toBeLessThan(120);
    });

    it('a label of 32,768 two-byte characters (65,536 bytes)', () => {
      const label = 'é'.repeat(32768);
      expect(label.length).toBeLessThan(MAX_LABEL_BYTES);
      expect(encodeError([{ label, signature: 'Q', buffered: true }]).message).toMatch(/is 65536 bytes; at most 65535 fit/);
    });

    it('a duplicate label', () => {
      const error = encodeError([
        { label: 'app.hits', signature: 'Q', buffered: true },
        { label: 'app.hits', signature: 'd', buffered: false },
      ]);
      expect(error.message).toBe('duplicate label "app.hits"');
    });

    it('two labels that would be stored as the same bytes (lone surrogates become U+FFFD)', () => {
      const error = encodeError([
        { label: 'a\uD800', signature: 'Q', buffered: true },
        { label: 'a\uDC00', signature: 'Q', buffered: true },
      ]);
      expect(error.message).toMatch(/duplicate label/);
    });

    it.each(['x', '0s', '2I', '<Q', '', '2147483648s'])('an unknown type signature %j', (signature) => {
      const error = encodeError([{ label: 'field', signature, buffered: true }]);
      expect(error.message).toBe(`label "field": unknown type signature ${JSON.stringify(signature)}`);
    });
  });

  it('accepts a 65,535-byte label, which round-trips through a file', () => {
    const label = 'L'.repeat(MAX_LABEL_BYTES);
    const { bytes, plan } = encodeFile([
      { label, signature: 'Q', buffered: true, initial: 7 },
      { label: 'after', signature: 'h', buffered: false, initial: -2 },
    ]);
    expect(plan.records[0].labelLength).toBe(65535);
    expect(plan.contentSize).toBe(1 + (2 + 65535 + 2 + 1 + 1 + 16) + (2 + 5 + 2 + 1 + 1 + 2));
    expect(bytes.length).toBe(69632);
    const records = decodeFile(bytes);
    expect(records.map((r) => [r.label.length, r.value])).toEqual([
      [65535, 7],
      [5, -2],
    ]);
    expect(records[0].label).toBe(label);
  });
});

describe('page boundaries', () => {
  // One unbuffered `?` record takes 7 bytes plus its label; with the version byte, 8 + label.
  const fill = (contentSize: number): RecordSpec[] => [{ label: 'f'.repeat(contentSize - 8), signature: '?', buffered: false, initial: true }];

  it('decodes a file whose records exactly fill one page (no room for the end marker)', () => {
    const { bytes, plan } = encodeFile(fill(4096));
    expect(plan.contentSize).toBe(4096);
    expect(bytes.length).toBe(4096);
    expect(bytes[4095]).toBe(1); // the last byte is the record's slot
    expect(decodeFile(bytes).map((r) => r.value)).toEqual([true]);
  });

  it('decodes a file whose records leave one trailing zero byte (a cut-short end marker)', () => {
    const { bytes, plan } = encodeFile(fill(4095));
    expect(plan.contentSize).toBe(4095);
    expect(bytes.length).toBe(4096);
    expect(bytes[4095]).toBe(0);
    expect(decodeFile(bytes).map((r) => r.value)).toEqual([true]);
  });

  it('grows to two pages when the records take one byte more than a page', () => {
    const { bytes } = encodeFile(fill(4097));
    expect(bytes.length).toBe(8192);
    expect(decodeFile(bytes).map((r) => r.value)).toEqual([true]);
  });
});

describe('labels whose length is a multiple of 256 (low length byte 0x00)', () => {
  it.each([256, 512, 768])('decodes a %d-byte label and the records after it', (length) => {
    const label = 'k'.repeat(length);
    // Built by hand: a reader that looked only at the low byte of the length would stop here.
    const file = rawFile(
      [
        rawRecord({ label, signature: 'I', writeIndex: 0xff, slots: Buffer.from([42, 0, 0, 0]) }),
        rawRecord({ label: 'next', signature: '?', writeIndex: 0xff, slots: Buffer.from([1]) }),
      ],
      { size: 4096 },
    );
    expect(file[1]).toBe(0);
    expect(decodeFile(file).map((r) => [r.label, r.value])).toEqual([
      [label, 42],
      ['next', true],
    ]);
  });

  it('round-trips a 512-byte label through encodeFile', () => {
    const label = 'é'.repeat(256); // 512 bytes
    const { bytes } = encodeFile([
      { label, signature: 'd', buffered: true, initial: 1.5 },
      { label: 'z', signature: 'b', buffered: false, initial: -1 },
    ]);
    expect(decodeFile(bytes).map((r) => [r.label, r.value])).toEqual([
      [label, 1.5],
      ['z', -1],
    ]);
  });
});
