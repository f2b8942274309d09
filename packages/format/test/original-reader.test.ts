// What the original Python mmstats tools see in our files: test/original_reader.py follows the
// original reader's algorithm as SPEC.md §13 and §14 describe it (stop at the first zero label
// length, size each value by struct.calcsize of its signature, no other check).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { appendFamily, appendRecord, encodeFile, seriesLabel, writeSlot, type RecordLayout, type RecordSpec, type StatValue } from '@mmstats/format';
import { exactNumber, parseExact, type ExactJson } from './exact-json';

const ORIGINAL_READER = path.join(__dirname, 'original_reader.py');
const VECTORS = path.join(__dirname, '..', 'conformance', 'vectors');

interface Read {
  label: string;
  value: ExactJson;
}

function originalRead(files: string[]): Read[][] {
  const out = parseExact(execFileSync('python3', [ORIGINAL_READER, ...files], { encoding: 'utf8', maxBuffer: 64 << 20 })) as unknown as { files: Array<{ records: Read[] }> };
  return out.files.map((file) => file.records);
}

/** A value as the readers' JSON holds it (integers exact). */
function exact(value: StatValue): ExactJson {
  if (typeof value === 'number' && Number.isFinite(value)) return exactNumber(String(value));
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  return value;
}

describe('the original reader', () => {
  it('reads a file with typed and labelled fields, records appended while live, with the right values', () => {
    const families = [
      { name: 'requests', kind: 'counter' as const, help: 'Requests', labels: ['route', 'status'] },
      { name: 'sys.pid', kind: 'constant' as const },
    ];
    const specs: RecordSpec[] = [
      { label: 'sys.pid', signature: 'I', buffered: false, initial: 1234 },
      { label: 'requests{overflow="true"}', signature: 'Q', buffered: true },
    ];
    const { bytes, plan } = encodeFile(specs, { metadata: families, reserve: 4000 });
    const view = new DataView(bytes.buffer);
    const written: Array<[string, StatValue]> = [
      ['sys.pid', 1234],
      ['requests{overflow="true"}', 0],
    ];
    /** Publishes `value` into `record` once, as a writer does (buffered: slot 0, then write index 1). */
    const publish = (record: RecordLayout, value: StatValue) => {
      writeSlot(view, record.slotOffsets[0], record.type, value);
      if (record.buffered) bytes[record.writeIndexOffset] = 1;
    };
    let index = plan.records.length;
    const add = (spec: RecordSpec, value: StatValue, expected: StatValue = value) => {
      const record = appendRecord(bytes, spec, index++)!;
      publish(record, value);
      written.push([spec.label, expected]);
    };
    appendFamily(bytes, { name: 'pool', kind: 'gauge', labels: ['name'], unit: 'bytes', aggregate: 'max' });
    add({ label: seriesLabel('requests', ['route', 'status'], ['/a', '2xx']), signature: 'Q', buffered: true }, 2n ** 64n - 1n);
    add({ label: seriesLabel('requests', ['route', 'status'], ['/b"\n\u001b', '5xx']), signature: 'Q', buffered: true }, 7);
    const numbers: Array<[string, StatValue, StatValue?]> = [
      ['q', -(2n ** 63n)],
      ['I', 4294967295],
      ['i', -5],
      ['H', 65535],
      ['h', -32768],
      ['b', -1],
      ['f', 0.1, Math.fround(0.1)],
      ['d', -1234.5678],
      ['?', true],
    ];
    for (const [signature, value, expected] of numbers) {
      add({ label: seriesLabel('pool', ['name'], [signature]), signature, buffered: signature !== '?' }, value, expected);
    }
    add({ label: 'note', signature: '32s', buffered: true }, 'ünï');
    add({ label: 'note.in_place', signature: '16s', buffered: false }, 'hi');
    // Fill the reserve: appended records never trip the original reader, however many.
    for (let n = 0; appendRecord(bytes, { label: `filler.${n}`, signature: 'b', buffered: false }, index) !== undefined; n++) {
      index++;
      written.push([`filler.${n}`, 0]);
    }
    expect(written.length).toBeGreaterThan(300);

    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mmstats-original-')), 'typed.mmstats');
    fs.writeFileSync(file, bytes);
    expect(originalRead([file])[0]).toEqual(written.map(([label, value]) => ({ label, value: exact(value) })));
    fs.rmSync(path.dirname(file), { recursive: true });
  });

  it('reads every conformance vector that reads, with the records and values a conforming reader reports', () => {
    const names = fs
      .readdirSync(VECTORS)
      .filter((file) => file.endsWith('.json'))
      .map((file) => file.slice(0, -'.json'.length))
      .filter((name) => (parseExact(fs.readFileSync(path.join(VECTORS, `${name}.json`), 'utf8')) as unknown as { error?: unknown }).error === undefined);
    expect(names.length).toBeGreaterThan(15);
    const reads = originalRead(names.map((name) => path.join(VECTORS, `${name}.mmstats`)));
    names.forEach((name, i) => {
      const { records } = parseExact(fs.readFileSync(path.join(VECTORS, `${name}.json`), 'utf8')) as unknown as { records: Array<Read & Record<string, ExactJson>> };
      let expected: Read[] = records.map(({ label, value }) => ({ label, value }));
      // The original dropped invalid UTF-8 where a conforming reader may put U+FFFD (SPEC §8.2).
      if (name === 'invalid-utf8') expected = expected.map(({ label, value }) => ({ label: label.replace(/\ufffd/g, ''), value: typeof value === 'string' ? value.replace(/\ufffd/g, '') : value }));
      // A record added whole and not yet counted by the trailer: the original reader, which knows
      // no trailer, already sees it (SPEC §14.5).
      if (name === 'appended-pending') expected = [...expected, { label: 'pending', value: 1n }];
      // The same for a histogram series added as a group (SPEC §14.6): every record of it at once.
      if (name === 'histogram-series-pending') {
        const pending = ['size.bucket{le="1000"}', 'size.bucket{le="1000000"}', 'size.bucket{le="+Inf"}', 'size.count', 'size.sum'];
        expected = [...expected, ...pending.map((label) => ({ label, value: 0n }))];
      }
      expect({ name, records: reads[i] }).toEqual({ name, records: expected });
    });
  });
});

describe('the original reader on aligned slots (SPEC.md §4.5)', () => {
  it('reads signatures padded with spaces as their type, with the values written', () => {
    const written: Array<[RecordSpec, StatValue]> = [
      [{ label: 'a', signature: 'Q', buffered: true }, 2n ** 64n - 1n],
      [{ label: 'ab', signature: 'd', buffered: true }, -0.1],
      [{ label: 'abc', signature: 'I', buffered: false }, 4294967295],
      [{ label: 'ab.c', signature: 'q', buffered: false }, -(2n ** 63n)],
      [{ label: 'h', signature: 'h', buffered: true }, -2],
      [{ label: 'f', signature: 'f', buffered: true }, 1.5],
      [{ label: 'text', signature: '7s', buffered: true }, 'seven'],
      [{ label: 'last', signature: 'd', buffered: false }, 1e300],
    ];
    const { bytes, plan } = encodeFile(
      written.map(([spec]) => spec),
      { layout: 'aligned' },
    );
    const view = new DataView(bytes.buffer);
    plan.records.forEach((record, i) => {
      writeSlot(view, record.slotOffsets[0], record.type, written[i][1]);
      if (record.buffered) bytes[record.writeIndexOffset] = 1;
    });
    // Most of these signatures carry padding; the test means nothing without it.
    expect(plan.records.filter((r) => r.signatureLength > r.signature.length).length).toBeGreaterThan(4);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mmstats-original-')), 'aligned.mmstats');
    fs.writeFileSync(file, bytes);
    expect(originalRead([file])[0]).toEqual(written.map(([spec, value]) => ({ label: spec.label, value: exact(value) })));
    fs.rmSync(path.dirname(file), { recursive: true });
  });
});
