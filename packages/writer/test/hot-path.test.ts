// Behaviour of the write path once V8 has optimised it: each field object is reached through a
// per-class holder, counters are their own cell, and a moving average sums its window as it goes.
// Every loop here runs often enough to be optimised, then the file is checked record by record.
import { linkSync, readFileSync } from 'node:fs';
import { BaseMmStats, field, type Counter, type FieldDefinition, type MovingAverage } from '@mmstats/writer';
import { tempDir, valuesOf } from './util';

const dir = tempDir();
let n = 0;
const options = () => ({ path: dir, filename: `hot-${++n}.mmstats` });
const HOT = 20_000;

class Parent extends BaseMmStats {
  static override fields: Readonly<Record<string, FieldDefinition<any>>> = { hits: field.counter(), load: field.double() };
  declare readonly hits: Counter;
  declare load: number;
}
class Child extends Parent {
  static override fields = { misses: field.counter() };
  declare readonly misses: Counter;
}

// One write site for both classes, as a request handler shared by two stats objects would be.
function record(stats: Parent, times: number, load: number): void {
  for (let i = 0; i < times; i++) {
    stats.hits.inc();
    stats.load = load;
  }
}

describe('optimised writes', () => {
  test('a write site shared by a class and its subclass writes each object its own file', () => {
    const parent = new Parent(options());
    const child = new Child(options());
    for (let round = 0; round < 5; round++) {
      record(parent, HOT, 1.5);
      record(child, HOT, 2.5);
    }
    child.misses.inc(3);
    expect(valuesOf(parent.filename)).toEqual({ hits: 5 * HOT, load: 1.5 });
    expect(valuesOf(child.filename)).toEqual({ hits: 5 * HOT, load: 2.5, misses: 3 });
    parent.remove();
    child.remove();
  });

  test('after remove(), optimised writes leave the file alone and still count', () => {
    const stats = new Parent(options());
    record(stats, 5 * HOT, 0.5);
    // A second name for the file's inode: it outlives remove(), so later writes to the old mapping would show.
    const kept = `${stats.filename}.kept`;
    linkSync(stats.filename, kept);
    const before = readFileSync(kept);
    stats.remove();
    record(stats, 5 * HOT, 9.5);
    expect(stats.hits.value).toBe(10 * HOT);
    expect(stats.load).toBe(9.5);
    expect(readFileSync(kept).equals(before)).toBe(true);
    expect(valuesOf(kept)).toEqual({ hits: 5 * HOT, load: 0.5 });
  });

  test('every field of a class with hundreds of fields lands in its own record', () => {
    const many: Record<string, FieldDefinition<any>> = {};
    for (let k = 0; k < 300; k++) many[`d${k}`] = field.double();
    class Many extends BaseMmStats {
      static override fields = many;
    }
    const stats = new Many(options()) as unknown as Record<string, number>;
    for (let round = 0; round < 50; round++) for (let k = 0; k < 300; k++) stats[`d${k}`] = k + round / 100;
    const values = valuesOf((stats as unknown as Many).filename);
    for (let k = 0; k < 300; k++) expect(values[`d${k}`]).toBe(k + 0.49);
  });

  test('a counter past 2^31 and 2^32 keeps counting exactly', () => {
    const stats = new Parent(options());
    stats.hits.value = 2 ** 32 - HOT;
    record(stats, 2 * HOT, 0);
    expect(stats.hits.value).toBe(2 ** 32 + HOT);
    expect(valuesOf(stats.filename).hits).toBe(2 ** 32 + HOT);
  });
});

describe('movingAverage after the window wraps', () => {
  class Window extends BaseMmStats {
    static override fields = { recent: field.movingAverage({ size: 7 }) };
    declare readonly recent: MovingAverage;
  }

  test('each full lap publishes exactly the plain sum of the window over its size', () => {
    const stats = new Window(options());
    let seed = 12345;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 1e6 - 3e5;
    const added: number[] = [];
    for (let i = 0; i < 7 * 3000; i++) {
      const value = next() / 7; // not whole numbers: every sum rounds
      added.push(value);
      stats.recent.add(value);
      if (added.length % 7 === 0) {
        let sum = 0;
        for (const v of added.slice(-7)) sum += v;
        expect(stats.recent.value).toBe(sum / 7);
      }
    }
  });

  test('between laps the mean stays within rounding of the exact mean of the last values', () => {
    const stats = new Window(options());
    for (let i = 0; i < 7 * 1000 + 3; i++) stats.recent.add(i * 0.1);
    const last = Array.from({ length: 7 }, (_, k) => (7 * 1000 + 3 - 7 + k) * 0.1);
    const exact = last.reduce((a, b) => a + b) / 7;
    expect(Math.abs(stats.recent.value - exact)).toBeLessThan(1e-9 * exact);
  });

  test('an infinity stops counting once it has left the window', () => {
    const stats = new Window(options());
    for (let i = 0; i < 7 * 1000; i++) stats.recent.add(1);
    stats.recent.add(Infinity);
    expect(stats.recent.value).toBe(Infinity);
    for (let i = 0; i < 7; i++) stats.recent.add(2);
    expect(stats.recent.value).toBe(2);
  });
});
