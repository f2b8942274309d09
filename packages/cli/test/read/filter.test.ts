import { decodeFile, encodeFile } from '@mmstats/format';

import { filterRecords } from '../../src/read/filter';
import { double } from '../util';

const records = decodeFile(
  encodeFile(['sys.pid', 'http.requests', 'http.errors', 'db.queries', 'sys.created', 'Zed'].map((label, i) => double(label, i))).bytes,
);
const labels = (filter: Parameters<typeof filterRecords>[1]) => filterRecords(records, filter).map((r) => r.label);

describe('filterRecords', () => {
  test('keeps every record in file order by default', () => {
    expect(labels({})).toEqual(['sys.pid', 'http.requests', 'http.errors', 'db.queries', 'sys.created', 'Zed']);
  });

  test('--prefix keeps labels starting with any prefix', () => {
    expect(labels({ prefix: ['http.'] })).toEqual(['http.requests', 'http.errors']);
    expect(labels({ prefix: ['db', 'sys.'] })).toEqual(['sys.pid', 'db.queries', 'sys.created']);
  });

  test('--exclude drops labels starting with any prefix, and wins over --prefix', () => {
    expect(labels({ exclude: ['sys.'] })).toEqual(['http.requests', 'http.errors', 'db.queries', 'Zed']);
    expect(labels({ prefix: ['http.'], exclude: ['http.err'] })).toEqual(['http.requests']);
    expect(labels({ prefix: ['http.'], exclude: ['http.'] })).toEqual([]);
  });

  test('--sort orders by code point', () => {
    expect(labels({ sort: true })).toEqual(['Zed', 'db.queries', 'http.errors', 'http.requests', 'sys.created', 'sys.pid']);
  });

  test('does not change the records it was given', () => {
    filterRecords(records, { sort: true });
    expect(records[0].label).toBe('sys.pid');
  });
});
