import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeFile, decodeMetadata, histogramsOf, meaningOf, type DecodedRecord, type FamilyMeta, type HistogramSeries } from '@mmstats/format';
import { BaseMmStats, field, type FieldDefinition } from '@mmstats/writer';

/** A fresh temporary directory, removed after the current test file. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mmstats-writer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Decodes a stats file from disk with the format codec: what any reader would see. */
export function readStats(path: string): DecodedRecord[] {
  return decodeFile(readFileSync(path), { path });
}

/** label → value of a stats file on disk. */
export function valuesOf(path: string): Record<string, unknown> {
  return Object.fromEntries(readStats(path).map((r) => [r.label, r.value]));
}

/** The histogram series of a stats file on disk, as readers see them. */
export function histogramsIn(path: string): HistogramSeries[] {
  const bytes = readFileSync(path);
  const records = decodeFile(bytes, { path });
  return histogramsOf(
    records.map((r) => r.layout),
    decodeMetadata(bytes, path),
    records,
    path,
  ).series;
}

/** The families of a stats file's metadata block, by name. */
export function familiesIn(path: string): ReadonlyMap<string, FamilyMeta> {
  return decodeMetadata(readFileSync(path), path)?.families ?? new Map();
}

/**
 * Resolves once `condition()` returns a value other than undefined or false; rejects naming `what`
 * after `timeoutMs`. Tests wait on conditions, never for a fixed time.
 */
export async function waitFor<T>(what: string, condition: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await condition();
    if (result !== undefined && result !== false) return result;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const FIXTURE = join(__dirname, '../../format/test/fixtures/original/basic.mmstats');

/** A stats class with one field of every type, statics set to values at the edges of their range. */
export class EveryFieldType extends BaseMmStats {
  // Typed as any schema, so that subclasses may add fields.
  static override fields: Readonly<Record<string, FieldDefinition<any>>> = {
    counter: field.counter(),
    uint64: field.uint64(),
    uint: field.uint(),
    int: field.int(),
    short: field.short(),
    ushort: field.ushort(),
    byte: field.byte(),
    bool: field.bool(),
    float: field.float(),
    double: field.double(),
    string: field.string(),
    staticUInt: field.staticUInt({ value: 4000000000 }),
    staticInt64: field.staticInt64({ value: -(2n ** 62n) }),
    staticUInt64: field.staticUInt64({ value: 2n ** 64n - 1n }),
    staticFloat: field.staticFloat({ value: -0.25 }),
    staticDouble: field.staticDouble({ value: () => 1e-300 }),
    staticText: field.staticText({ value: 'naïve ✓' }),
    average: field.average(),
    movingAverage: field.movingAverage({ size: 3 }),
    timer: field.timer(),
  };
}

/** The values EveryFieldType's statics hold. */
export const EVERY_FIELD_STATICS = {
  staticUInt: 4000000000,
  staticInt64: -(2n ** 62n),
  staticUInt64: 2n ** 64n - 1n,
  staticFloat: -0.25,
  staticDouble: 1e-300,
  staticText: 'naïve ✓',
};

/** Each record of a stats file on disk as a reader sees it: label, value and what it means. */
export function recordsWithMeaning(path: string) {
  const bytes = readFileSync(path);
  const metadata = decodeMetadata(bytes, path);
  return decodeFile(bytes, { path }).map((record) => ({ label: record.label, value: record.value, ...meaningOf(record.layout, metadata, path) }));
}
