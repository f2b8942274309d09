import * as fs from 'node:fs';
import * as path from 'node:path';

import { LayoutCache } from '../../src/read/layout-cache';
import { StatsReader } from '../../src/read/stats-reader';
import { double, writeStatsFile, useTempDir } from '../util';

let dir: string;
useTempDir((created) => (dir = created));

function entry(file: string) {
  return { file, path: path.join(dir, file) };
}

describe('StatsReader', () => {
  test('decodes a file once: a second read uses the kept layout and sees new values', () => {
    const reader = new StatsReader();
    writeStatsFile(dir, 'a.mmstats', [double('x', 1.5), double('y', 2)]);
    const first = reader.readFile(entry('a.mmstats'))!;
    const target = path.join(dir, 'a.mmstats');
    const bytes = fs.readFileSync(target);
    const x = first.layout[0];
    bytes.writeDoubleLE(7.25, x.slotOffsets[bytes[x.writeIndexOffset] ^ 1]);
    // Rewritten in place with write(2): same inode, new change time, so the layout is decoded again.
    const fd = fs.openSync(target, 'r+');
    fs.writeSync(fd, bytes, 0, bytes.length, 0);
    fs.closeSync(fd);
    const second = reader.readFile(entry('a.mmstats'))!;
    expect(second.read.records.map((r) => r.value)).toEqual([7.25, 2]);
    const third = reader.readFile(entry('a.mmstats'))!;
    expect(third.layout).toBe(second.layout);
    expect(reader.cache.files).toBe(1);
  });

  test('a file replaced under the same name (a new inode) is decoded again', () => {
    const reader = new StatsReader();
    writeStatsFile(dir, 'a.mmstats', [double('old', 1)]);
    expect(reader.readFile(entry('a.mmstats'))!.read.records.map((r) => r.label)).toEqual(['old']);
    writeStatsFile(dir, 'b.tmp', [double('new', 2)]);
    fs.renameSync(path.join(dir, 'b.tmp'), path.join(dir, 'a.mmstats'));
    expect(reader.readFile(entry('a.mmstats'))!.read.records.map((r) => [r.label, r.value])).toEqual([['new', 2]]);
  });

  test('reads only the records picked, confirmed in file order', () => {
    const reader = new StatsReader();
    writeStatsFile(dir, 'a.mmstats', [double('a', 1), double('b', 2), double('c', 3)]);
    const read = reader.readFile(entry('a.mmstats'), (layout) => layout.filter((r) => r.label !== 'b'))!;
    expect(read.layout.map((r) => r.label)).toEqual(['a', 'b', 'c']);
    expect(read.read.records.map((r) => [r.label, r.value])).toEqual([
      ['a', 1],
      ['c', 3],
    ]);
  });

  test('snapshot names the file in its error and never throws', () => {
    const snapshot = new StatsReader().snapshot(entry('missing.mmstats'));
    expect(snapshot.error?.message).toBe('missing.mmstats: no such file or directory');
  });
});

describe('LayoutCache', () => {
  test('drops the least recently used files once it holds more than maxRecords records', () => {
    const cache = new LayoutCache({ maxRecords: 3 });
    const reader = new StatsReader({ cache });
    for (const name of ['a', 'b', 'c']) writeStatsFile(dir, `${name}.mmstats`, [double(`${name}.1`, 1), double(`${name}.2`, 2)]);
    const a = reader.readFile(entry('a.mmstats'))!.layout;
    reader.readFile(entry('b.mmstats'));
    expect(cache.files).toBe(1); // 4 records would pass 3: a went
    expect(reader.readFile(entry('a.mmstats'))!.layout).not.toBe(a);
    expect(cache.get(fs.statSync(path.join(dir, 'b.mmstats')))).toBeUndefined();
  });

  test('keeps nothing for a file with more records than it may hold', () => {
    const cache = new LayoutCache({ maxRecords: 1 });
    writeStatsFile(dir, 'a.mmstats', [double('x', 1), double('y', 2)]);
    new StatsReader({ cache }).readFile(entry('a.mmstats'));
    expect(cache.files).toBe(0);
  });

  test('keepOnly forgets every file but those given; keptRecordsEnd says how much of a kept file holds records', () => {
    const cache = new LayoutCache();
    const reader = new StatsReader({ cache });
    for (const name of ['a', 'b', 'c']) writeStatsFile(dir, `${name}.mmstats`, [double(`${name}.1`, 1)]);
    for (const name of ['a', 'b', 'c']) reader.readFile(entry(`${name}.mmstats`));
    const stats = (name: string) => fs.statSync(path.join(dir, `${name}.mmstats`));
    // A file without metadata is records to its end.
    expect(cache.keptRecordsEnd(stats('a'))).toBe(stats('a').size);
    cache.keepOnly([stats('a'), stats('c')]);
    expect(cache.files).toBe(2);
    expect(cache.keptRecordsEnd(stats('b'))).toBeUndefined();
    expect(cache.keptRecordsEnd(stats('c'))).toBe(stats('c').size);
  });
});
