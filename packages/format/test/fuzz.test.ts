// Property-based tests with fast-check: the codec round-trips any records a writer may declare,
// and the decoder answers any bytes with records that lie inside them or a DecodeError. A failure
// prints the seed and the shrunk input; pass them to fc.assert ({ seed, path }) to replay it.
import fc from 'fast-check';
import { DecodeError, decodeFile, encodeFile, readValue, slotAlignment, toDataView, type RecordSpec, type SlotLayout, type StatValue } from '@mmstats/format';
import { DEFAULT_MAX_RECORDS } from '../src/decode';

/** Runs per property: the file takes a few seconds; `node scripts/fuzz/run.js` runs far more. */
const RUNS = 4000;

const PATH = 'fuzz.mmstats';

/** Longest error message any input may produce (labels and signatures are quoted cut short). */
const MAX_MESSAGE = 700;

// ---------------------------------------------------------------------------------------------
// Record specs, each with the value a reader must then see

interface Case {
  readonly spec: RecordSpec;
  /** What decodeFile must return as the record's value. */
  readonly expected: StatValue;
}

const INTEGER_RANGES: ReadonlyArray<[string, bigint, bigint]> = [
  ['Q', 0n, 2n ** 64n - 1n],
  ['q', -(2n ** 63n), 2n ** 63n - 1n],
  ['I', 0n, 2n ** 32n - 1n],
  ['i', -(2n ** 31n), 2n ** 31n - 1n],
  ['H', 0n, 65535n],
  ['h', -32768n, 32767n],
  ['b', -128n, 127n],
];

/** 64-bit values come back as numbers while exact, else as bigints (`StatValue`). */
function asStatValue(n: bigint): StatValue {
  return Number.isSafeInteger(Number(n)) ? Number(n) : n;
}

/**
 * What a reader sees of `text` stored in an `<size>s` slot, worked out from SPEC.md §8.2 on the
 * code points, independently of the codec: the longest prefix of whole characters that fits in
 * `size` UTF-8 bytes, cut at the first U+0000; lone surrogates are stored as U+FFFD.
 */
function storedString(text: string, size: number): string {
  let kept = '';
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const stored = code >= 0xd800 && code <= 0xdfff ? '\ufffd' : char;
    const width = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (bytes + width > size) break;
    bytes += width;
    kept += stored;
  }
  const nul = kept.indexOf('\u0000');
  return nul === -1 ? kept : kept.slice(0, nul);
}

const valueCase: fc.Arbitrary<{ signature: string; initial?: StatValue; expected: StatValue }> = fc.oneof(
  ...INTEGER_RANGES.map(([signature, min, max]) =>
    fc.option(fc.bigInt({ min, max }), { nil: undefined }).map((n) => ({
      signature,
      initial: n === undefined ? undefined : signature === 'Q' || signature === 'q' ? n : Number(n),
      expected: asStatValue(n ?? 0n),
    })),
  ),
  fc.option(fc.boolean(), { nil: undefined }).map((b) => ({ signature: '?', initial: b, expected: b ?? false })),
  fc.option(fc.double(), { nil: undefined }).map((d) => ({ signature: 'd', initial: d, expected: d ?? 0 })),
  fc.option(fc.double(), { nil: undefined }).map((d) => ({ signature: 'f', initial: d, expected: d === undefined ? 0 : Math.fround(d) })),
  fc
    .tuple(fc.integer({ min: 1, max: 300 }), fc.option(fc.string({ unit: 'binary', maxLength: 120 }), { nil: undefined }))
    .map(([size, text]) => ({
      signature: `${size}s`,
      initial: text,
      expected: text === undefined ? '' : storedString(text, size),
    })),
);

/** Labels: any text of 1 to 40 characters, plus an occasional long one; unique per file. */
const label = fc.oneof(
  { weight: 9, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 300, maxLength: 2000 }) },
);

/** The label as stored: UTF-8 turns lone surrogates into U+FFFD. */
function storedLabel(text: string): string {
  // ignoreBOM: a label may start with U+FEFF, and readers keep it (the default decoder drops it).
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(new TextEncoder().encode(text));
}

const cases: fc.Arbitrary<Case[]> = fc
  .uniqueArray(fc.tuple(label, valueCase, fc.boolean()), {
    maxLength: 12,
    selector: ([text]) => storedLabel(text),
  })
  .map((rows) => rows.map(([text, value, buffered]) => ({ spec: { label: text, signature: value.signature, buffered, initial: value.initial }, expected: value.expected })));

function same(a: StatValue, b: StatValue): boolean {
  if (typeof a === 'bigint' || typeof b === 'bigint') return typeof a === typeof b && a === b;
  return Object.is(a, b);
}

// ---------------------------------------------------------------------------------------------
// What any decoding must promise

/** Why the outcome of decoding `bytes` breaks a promise, or undefined. Also says whether it decoded. */
function checkDecoding(bytes: Uint8Array, options: { maxRecords?: number } = {}): { decoded: boolean; problem?: string } {
  let records;
  try {
    records = decodeFile(bytes, { path: PATH, ...options });
  } catch (error) {
    if (!(error instanceof DecodeError)) return { decoded: false, problem: `threw ${String(error)}` };
    if (!(error.offset >= 0 && error.offset <= bytes.length)) return { decoded: false, problem: `offset ${error.offset} outside the bytes` };
    if (error.path !== PATH || !error.message.startsWith(`${PATH}: `)) return { decoded: false, problem: 'the error does not name the file' };
    if (error.message.length > MAX_MESSAGE) return { decoded: false, problem: `a message of ${error.message.length} characters` };
    return { decoded: false };
  }
  // Each record takes at least 8 bytes, so the work and memory are bounded by the input's size.
  if (records.length > Math.max(0, bytes.length - 1) / 8) return { decoded: true, problem: `${records.length} records in ${bytes.length} bytes` };
  if (records.length > (options.maxRecords ?? DEFAULT_MAX_RECORDS)) return { decoded: true, problem: 'more records than allowed' };
  const view = toDataView(bytes);
  let expectedOffset = 1;
  for (const [i, record] of records.entries()) {
    const l = record.layout;
    if (l.index !== i || l.offset !== expectedOffset) return { decoded: true, problem: `record ${i} at ${l.offset}, expected ${expectedOffset}` };
    if (l.slotOffsets[1] + l.type.size !== l.end || l.end > bytes.length) return { decoded: true, problem: `record ${i} ends at ${l.end}` };
    if (![0, 1, 0xff].includes(record.writeIndex)) return { decoded: true, problem: `record ${i}: write index ${record.writeIndex}` };
    if (typeof record.value === 'string' && record.value.length > l.type.size) return { decoded: true, problem: `record ${i}: string longer than its slot` };
    if (!same(readValue(view, l), record.value)) return { decoded: true, problem: `record ${i}: readValue disagrees with decodeFile` };
    expectedOffset = l.end;
  }
  return { decoded: true };
}

function expectKept(outcome: { problem?: string }): void {
  expect(outcome.problem).toBeUndefined();
}

// ---------------------------------------------------------------------------------------------

describe('codec round trip', () => {
  test('any records a writer may declare decode to their labels, signatures and values, in either layout', () => {
    fc.assert(
      fc.property(cases, fc.constantFrom<SlotLayout>('original', 'aligned'), (rows, layout) => {
        const { bytes, plan } = encodeFile(
          rows.map((row) => row.spec),
          { layout },
        );
        for (const record of plan.records) {
          // Aligned (SPEC.md §4.5): each slot at a multiple of its size; original: no padding.
          const padding = record.signatureLength - record.signature.length;
          if (layout === 'original' ? padding !== 0 : record.slotOffsets.some((at) => at % slotAlignment(record.type) !== 0) || padding >= slotAlignment(record.type)) {
            throw new Error(`${layout} layout: record ${record.index} has ${padding} bytes of padding, slots at ${record.slotOffsets.join(', ')}`);
          }
        }
        expect(bytes.length).toBe(plan.fileSize);
        expect(bytes.length % 4096).toBe(0);
        expect(bytes.subarray(plan.contentSize).every((b) => b === 0)).toBe(true);
        const records = decodeFile(bytes);
        expect(records.map((r) => [r.label, r.signature, r.layout.buffered])).toEqual(
          rows.map((row) => [storedLabel(row.spec.label), row.spec.signature, row.spec.buffered]),
        );
        rows.forEach((row, i) => {
          const record = records[i];
          if (!same(record.value, row.expected)) throw new Error(`record ${i}: read ${String(record.value)}, expected ${String(row.expected)}`);
          // A buffered record with an initial value looks published once (SPEC.md §7.1).
          const published = row.spec.buffered && row.spec.initial !== undefined;
          expect(record.writeIndex).toBe(row.spec.buffered ? (published ? 1 : 0) : 0xff);
        });
      }),
      { numRuns: RUNS },
    );
  });
});

describe('any bytes decode to records inside them, or to a DecodeError', () => {
  test('random bytes, most with a valid version byte', () => {
    const bytes = fc.tuple(fc.boolean(), fc.uint8Array({ maxLength: 600 })).map(([v1, b]) => {
      if (v1 && b.length > 0) b[0] = 1;
      return b;
    });
    fc.assert(fc.property(bytes, (b) => expectKept(checkDecoding(b))), { numRuns: RUNS });
  });

  test('valid files with bytes overwritten, inserted or removed, then maybe truncated', () => {
    const edit = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('remove' as const), at: fc.nat(), byte: fc.constant(0) }),
    );
    const mutated = fc.tuple(cases, fc.array(edit, { minLength: 1, maxLength: 6 }), fc.option(fc.nat(), { nil: undefined })).map(([rows, edits, cut]) => {
      const { bytes, plan } = encodeFile(rows.map((row) => row.spec));
      // Edits land in the records (and just past them), where they change how the file parses.
      const content = Array.from(bytes.subarray(0, plan.contentSize + 4));
      for (const e of edits) {
        const at = e.at % (content.length + 1);
        if (e.kind === 'set') content[Math.min(at, content.length - 1)] = e.byte;
        else if (e.kind === 'insert') content.splice(at, 0, e.byte);
        else content.splice(at, 1);
      }
      const file = Uint8Array.from([...content, ...bytes.subarray(plan.contentSize + 4)]);
      return cut === undefined ? file : file.subarray(0, cut % (file.length + 1));
    });
    const seen = { decoded: 0, rejected: 0 };
    fc.assert(
      fc.property(mutated, (b) => {
        const outcome = checkDecoding(b);
        expectKept(outcome);
        seen[outcome.decoded ? 'decoded' : 'rejected']++;
      }),
      { numRuns: RUNS },
    );
    // Both outcomes are common, so both sets of checks above ran many times.
    expect(Math.min(seen.decoded, seen.rejected)).toBeGreaterThan(RUNS / 10);
  });

  test('the record limit: a file decodes exactly when its records are within maxRecords', () => {
    const input = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }));
    fc.assert(
      fc.property(input, ([count, maxRecords]) => {
        const { bytes } = encodeFile(Array.from({ length: count }, (_, i) => ({ label: `r${i}`, signature: 'b', buffered: false })));
        const outcome = checkDecoding(bytes, { maxRecords });
        expectKept(outcome);
        expect(outcome.decoded).toBe(count <= maxRecords);
      }),
      { numRuns: 300 },
    );
  });
});
