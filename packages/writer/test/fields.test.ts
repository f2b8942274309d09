import { readFileSync, statSync } from 'node:fs';
import { BaseMmStats, field, MmStats, type Average, type Counter, type MovingAverage, type Timer } from '@mmstats/writer';
import { EVERY_FIELD_STATICS, EveryFieldType, readStats, tempDir, valuesOf } from './util';

const dir = tempDir();
let n = 0;
const options = () => ({ path: dir, filename: `fields-${++n}.mmstats` });

const Everything = EveryFieldType;
// The JS-declared class has no typed properties: tests use it through this view.
type Any = Record<string, any>;

describe('every field type has the original signature and buffering', () => {
  const records = readStats(new Everything(options()).filename);
  test.each([
    ['counter', 'Q', true],
    ['uint64', 'Q', true],
    ['uint', 'I', true],
    ['int', 'i', true],
    ['short', 'h', true],
    ['ushort', 'H', true],
    ['byte', 'b', false],
    ['bool', '?', false],
    ['float', 'f', true],
    ['double', 'd', true],
    ['string', '255s', false],
    ['staticUInt', 'I', false],
    ['staticInt64', 'q', false],
    ['staticUInt64', 'Q', false],
    ['staticFloat', 'f', false],
    ['staticDouble', 'd', false],
    ['staticText', '256s', false],
    ['average', 'd', true],
    ['movingAverage', 'd', true],
    ['timer', 'd', true],
    ['timer.last', 'd', true],
  ])('%s is %s, buffered: %s', (label, signature, buffered) => {
    const record = records.find((r) => r.label === label)!;
    expect(record.signature).toBe(signature);
    expect(record.layout.buffered).toBe(buffered);
  });

  test('records are laid out in declaration order, a timer’s latest duration after its mean', () => {
    expect(records.map((r) => r.label)).toEqual([...Object.keys(Everything.fields), 'timer.last']);
  });

  test('statics hold their value from creation', () => {
    const values = Object.fromEntries(records.map((r) => [r.label, r.value]));
    expect(values).toMatchObject(EVERY_FIELD_STATICS);
  });
});

describe('value fields', () => {
  const s = new Everything(options()) as EveryFieldType & Any;
  const read = (label: string) => valuesOf(s.filename)[label];

  test('each write is visible to a reader of the file, and to the property', () => {
    s.uint64 = 2 ** 53 - 1;
    s.uint = 4000000000;
    s.int = -123456;
    s.short = -300;
    s.ushort = 65000;
    s.byte = -7;
    s.bool = true;
    s.float = 0.1;
    s.double = Math.PI;
    s.string = 'héllo';
    expect(valuesOf(s.filename)).toMatchObject({
      uint64: 2 ** 53 - 1,
      uint: 4000000000,
      int: -123456,
      short: -300,
      ushort: 65000,
      byte: -7,
      bool: true,
      float: Math.fround(0.1),
      double: Math.PI,
      string: 'héllo',
    });
    expect([s.uint, s.int, s.short, s.ushort, s.byte, s.bool, s.float, s.double, s.string]).toEqual([
      4000000000,
      -123456,
      -300,
      65000,
      -7,
      true,
      Math.fround(0.1),
      Math.PI,
      'héllo',
    ]);
  });

  test('integers wrap to their width like C integers', () => {
    s.uint = 2 ** 32 + 5;
    s.int = 2 ** 31;
    s.short = 40000;
    s.ushort = -1;
    s.byte = 200;
    s.uint64 = -1;
    expect(valuesOf(s.filename)).toMatchObject({ uint: 5, int: -(2 ** 31), short: 40000 - 65536, ushort: 65535, byte: -56, uint64: 2n ** 64n - 1n });
  });

  test('NaN and infinities store 0 in integer fields, fractions truncate', () => {
    s.uint = NaN;
    s.int = Infinity;
    s.short = -2.9;
    s.uint64 = 7.9;
    expect(valuesOf(s.filename)).toMatchObject({ uint: 0, int: 0, short: -2, uint64: 7 });
  });

  test('floats keep NaN, infinities and -0', () => {
    s.double = NaN;
    expect(read('double')).toBeNaN();
    s.double = -Infinity;
    expect(read('double')).toBe(-Infinity);
    s.double = -0;
    expect(Object.is(read('double'), -0)).toBe(true);
    s.float = 1e40; // beyond float32: stored as Infinity, as C would
    expect(read('float')).toBe(Infinity);
  });

  test('uint64 takes bigints exactly above 2^53', () => {
    s.uint64 = 2n ** 63n + 1n;
    expect(read('uint64')).toBe(2n ** 63n + 1n);
    expect(s.uint64).toBe(2n ** 63n + 1n);
  });

  test('booleans store truthiness', () => {
    s.bool = 0;
    expect(read('bool')).toBe(false);
    s.bool = 'yes';
    expect(read('bool')).toBe(true);
  });

  test('buffered writes alternate slots and flip the write index after the value', () => {
    const before = readStats(s.filename).find((r) => r.label === 'double')!;
    s.double = 11;
    const after = readStats(s.filename).find((r) => r.label === 'double')!;
    expect(after.writeIndex).toBe(before.writeIndex ^ 1);
    expect(after.slots[before.writeIndex]).toBe(11);
    expect(after.slots[after.writeIndex]).toEqual(before.value);
  });

  test('static fields cannot be assigned', () => {
    expect(() => {
      s.staticText = 'other';
    }).toThrow(/static field/);
    expect(s.staticText).toBe('naïve ✓');
  });
});

describe('strings', () => {
  class Text extends BaseMmStats {
    static override fields = { s: field.string({ size: 8 }) };
  }
  const t = new Text(options()) as Text & Any;
  const raw = () => {
    const record = readStats(t.filename)[0];
    return readFileSync(t.filename).subarray(record.layout.slotOffsets[0], record.layout.slotOffsets[0] + 8);
  };

  test('text longer than the field is cut to its size', () => {
    t.s = 'abcdefghijk';
    expect(t.s).toBe('abcdefgh');
    expect(raw()).toEqual(Buffer.from('abcdefgh'));
  });

  test('UTF-8 is cut on a character boundary, never inside a character', () => {
    t.s = 'abcdef€'; // € is 3 bytes: 6 + 3 > 8
    expect(t.s).toBe('abcdef');
    expect(raw().subarray(0, 7)).toEqual(Buffer.from('abcdef\0'));
  });

  test('a shorter string ends with one NUL and leaves older bytes after it, like the original', () => {
    t.s = 'abcdefgh';
    t.s = 'xy';
    expect(raw()).toEqual(Buffer.from('xy\0defgh'));
    expect(t.s).toBe('xy');
  });

  test('non-string values are stored as their text', () => {
    t.s = 42;
    expect(t.s).toBe('42');
  });
});

describe('counter', () => {
  class C extends BaseMmStats {
    @field.counter() accessor hits!: Counter;
  }
  const c = new C(options());

  test('inc() adds 1 or n, value reads and sets', () => {
    c.hits.inc();
    c.hits.inc(41);
    expect(c.hits.value).toBe(42);
    expect(valuesOf(c.filename).hits).toBe(42);
    c.hits.value = 1000;
    c.hits.inc();
    expect(valuesOf(c.filename).hits).toBe(1001);
  });

  test('counts stay exact beyond 2^32 and wrap modulo 2^64 below zero', () => {
    c.hits.value = 2 ** 32 - 1;
    c.hits.inc();
    expect(valuesOf(c.filename).hits).toBe(2 ** 32);
    c.hits.value = 0;
    c.hits.inc(-1);
    expect(c.hits.value).toBe(2n ** 64n - 1n);
    c.hits.inc();
    expect(c.hits.value).toBe(0);
  });

  test('large counts and negative fractions are stored like a C uint64 conversion', () => {
    // The high 32 bits are computed from the number itself, not from a rounded division.
    for (const count of [2 ** 53, 2 ** 53 - 1, 2 ** 40 + 7, 2 ** 32 + 1, 3 * 2 ** 32 - 1]) {
      c.hits.value = count;
      expect(valuesOf(c.filename).hits).toBe(count <= Number.MAX_SAFE_INTEGER ? count : BigInt(count));
    }
    c.hits.value = 0;
    c.hits.inc(-0.5); // truncates to 0, not to 2^64 - 2^32
    expect(valuesOf(c.filename).hits).toBe(0);
    c.hits.inc(-1); // -1.5 truncates to -1: 2^64 - 1
    expect(valuesOf(c.filename).hits).toBe(2n ** 64n - 1n);
  });

  test('a bigint value is stored exactly', () => {
    c.hits.value = 2n ** 60n + 3n;
    expect(valuesOf(c.filename).hits).toBe(2n ** 60n + 3n);
  });

  test('past 2^64 - 1 the count wraps to 0 and goes on, as a C uint64 does', () => {
    c.hits.value = 2n ** 64n - 1n;
    c.hits.inc();
    expect(valuesOf(c.filename).hits).toBe(0);
    c.hits.inc(5);
    expect(valuesOf(c.filename).hits).toBe(5);
  });

  test('a count past 2^53 keeps moving by one, exactly', () => {
    c.hits.value = 2 ** 53;
    for (let i = 0; i < 3; i++) c.hits.inc();
    expect(valuesOf(c.filename).hits).toBe(2n ** 53n + 3n);
    c.hits.value = 2n ** 64n - 2n;
    c.hits.inc();
    expect(c.hits.value).toBe(2n ** 64n - 1n);
  });

  test('every increment after a set or a carry publishes both halves right, in either slot', () => {
    // inc() stores only the low half while both slots hold the same high half: each read here
    // takes the slot written last, so a slot left with another high half would show.
    const seen: unknown[] = [];
    const expected: number[] = [];
    for (const start of [2 ** 32 + 5, 7, 2 ** 33 + 1, 2 ** 32 - 2]) {
      c.hits.value = start;
      for (let i = 1; i <= 5; i++) {
        c.hits.inc();
        seen.push(valuesOf(c.filename).hits);
        expected.push(start + i);
      }
    }
    expect(seen).toEqual(expected);
  });

  test('many increments across a 2^32 boundary carry into the high half', () => {
    c.hits.value = 2 ** 32 - 3;
    for (let i = 0; i < 10_000; i++) c.hits.inc();
    expect(valuesOf(c.filename).hits).toBe(2 ** 32 - 3 + 10_000);
  });

  test('a string, NaN or infinity is a TypeError naming the counter, and the count stays as it was', () => {
    c.hits.value = 0;
    const hits = c.hits as unknown as { inc(n?: unknown): void };
    expect(() => hits.inc('5')).toThrow(new TypeError('counter hits: inc(n): n must be a finite number or a bigint, got string "5"; the count is unchanged'));
    hits.inc();
    hits.inc();
    expect(valuesOf(c.filename).hits).toBe(2);
    expect(() => hits.inc(NaN)).toThrow(/counter hits: .* got number NaN/);
    expect(() => hits.inc(Infinity)).toThrow(TypeError);
    expect(() => hits.inc({})).toThrow(TypeError);
    hits.inc();
    expect(valuesOf(c.filename).hits).toBe(3);
    expect(() => {
      (c.hits as unknown as { value: unknown }).value = NaN;
    }).toThrow(TypeError);
    expect(c.hits.value).toBe(3);
  });

  test('a bigint step is added exactly', () => {
    c.hits.value = 1;
    c.hits.inc(2n ** 62n as unknown as number);
    expect(c.hits.value).toBe(2n ** 62n + 1n);
  });

  test('assigning to the counter property is an error that says what to do', () => {
    expect(() => {
      (c as any).hits = 5;
    }).toThrow(/hits\.inc\(\)/);
  });
});

describe('averages and timers', () => {
  class A extends BaseMmStats {
    @field.average() accessor mean!: Average;
    @field.movingAverage({ size: 3 }) accessor recent!: MovingAverage;
    @field.timer() accessor took!: Timer;
  }
  const a = new A(options());

  test('average is the running mean of every value', () => {
    expect(a.mean.value).toBe(0);
    [1, 2, 3, 10].forEach((v) => a.mean.add(v));
    expect(valuesOf(a.filename).mean).toBe(4);
    expect(a.mean.count).toBe(4);
  });

  test('movingAverage covers the last `size` values', () => {
    const seen: number[] = [];
    for (const v of [3, 6, 9, 12, 100, 1]) {
      a.recent.add(v);
      seen.push(valuesOf(a.filename).recent as number);
    }
    expect(seen).toEqual([3, 4.5, 6, 9, (9 + 12 + 100) / 3, (12 + 100 + 1) / 3]);
    expect(a.recent.size).toBe(3);
  });

  test('average.add refuses what is not a finite number, so the mean is never poisoned', () => {
    class B extends BaseMmStats {
      @field.average() accessor mean!: Average;
      @field.movingAverage({ size: 3 }) accessor recent!: MovingAverage;
    }
    const b = new B(options());
    const mean = b.mean as unknown as { add(v: unknown): void };
    expect(() => mean.add('3')).toThrow(new TypeError('average mean: add(value) takes a finite number, got string "3"; nothing was added'));
    expect(() => mean.add(NaN)).toThrow(TypeError);
    expect(() => mean.add(-Infinity)).toThrow(TypeError);
    mean.add(1);
    mean.add(2);
    expect(valuesOf(b.filename).mean).toBe(1.5);
    expect(b.mean.count).toBe(2);
    expect(() => (b.recent as unknown as { add(v: unknown): void }).add('3')).toThrow(/average recent: add\(value\) takes a number/);
    b.recent.add(4);
    expect(valuesOf(b.filename).recent).toBe(4);
  });

  test('movingAverage recovers once a NaN has left the window', () => {
    a.recent.add(NaN);
    expect(a.recent.value).toBeNaN();
    [1, 2, 3].forEach((v) => a.recent.add(v));
    expect(a.recent.value).toBe(2);
  });

  test('timer start/stop publishes the elapsed seconds as the latest, and the mean of the durations', async () => {
    class T extends BaseMmStats {
      @field.timer() accessor took!: Timer;
    }
    const t = new T(options());
    expect([t.took.value, t.took.last]).toEqual([0, 0]);
    t.took.start();
    await new Promise((r) => setTimeout(r, 30));
    const seconds = t.took.stop();
    expect(seconds).toBeGreaterThanOrEqual(0.025);
    expect(valuesOf(t.filename)).toEqual({ took: seconds, 'took.last': seconds });
    expect(t.took.stop()).toBeNaN(); // not running: nothing published
    expect([t.took.value, t.took.last]).toEqual([seconds, seconds]);
  });

  test('timer value is the moving mean of the last `size` durations, as the original TimerField; last the latest', () => {
    class T extends BaseMmStats {
      @field.timer({ size: 3 }) accessor took!: Timer;
    }
    const t = new T(options());
    const durations: number[] = [];
    for (let i = 0; i < 5; i++) {
      t.took.time(() => {
        const end = performance.now() + 2 * (i + 1);
        while (performance.now() < end);
      });
      durations.push(t.took.last);
    }
    const window = durations.slice(-3);
    expect(t.took.value).toBeCloseTo(window.reduce((x, y) => x + y) / 3, 12);
    expect(valuesOf(t.filename)).toEqual({ took: t.took.value, 'took.last': durations[4] });
    expect(durations[4]).toBeGreaterThanOrEqual(0.01);
    expect(t.took.size).toBe(3);
  });

  test('timer.time(fn) times sync functions, returns their result and times throws too', () => {
    const busy = () => {
      const end = performance.now() + 15;
      while (performance.now() < end);
      return 'done';
    };
    expect(a.took.time(busy)).toBe('done');
    expect(a.took.last).toBeGreaterThanOrEqual(0.015);
    expect(() =>
      a.took.time(() => {
        busy();
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(a.took.last).toBeGreaterThanOrEqual(0.015);
    expect(valuesOf(a.filename)['took.last']).toBe(a.took.last);
  });

  test('timer.time(fn) times async functions until they settle', async () => {
    const result = await a.took.time(async () => {
      await new Promise((r) => setTimeout(r, 40));
      return 7;
    });
    expect(result).toBe(7);
    expect(a.took.last).toBeGreaterThanOrEqual(0.035);
    // The latest duration, bounded by the time the second call took as seen from here (a bound that
    // holds however loaded the machine is, unlike a fixed one).
    const started = performance.now();
    await expect(
      a.took.time(async () => {
        await new Promise((r) => setTimeout(r, 20));
        throw new Error('late');
      }),
    ).rejects.toThrow('late');
    const outside = (performance.now() - started) / 1000;
    expect(a.took.last).toBeGreaterThanOrEqual(0.015);
    expect(a.took.last).toBeLessThanOrEqual(outside);
  });

  test('timer with layout original writes only the mean, as the original did; last stays in the program', () => {
    class T extends BaseMmStats {
      @field.timer() accessor took!: Timer;
    }
    const t = new T({ ...options(), layout: 'original' });
    t.took.time(() => undefined);
    expect(readStats(t.filename).map((r) => [r.label, r.signature])).toEqual([['took', 'd']]);
    expect(valuesOf(t.filename).took).toBe(t.took.value);
    expect(t.took.last).toBe(t.took.value);
  });
});

describe('MmStats', () => {
  test('adds the process fields, evaluated for each instance', async () => {
    const first = new MmStats(options());
    await new Promise((r) => setTimeout(r, 20));
    const second = new MmStats(options());
    const values = valuesOf(first.filename);
    expect(Object.keys(values)).toEqual([
      'sys.pid',
      'sys.tid',
      'sys.uid',
      'sys.gid',
      'org.nodejs.version',
      'sys.created',
      'sys.boot_id',
      'sys.ns.pid',
      'sys.start_ticks',
    ]);
    const stat = readFileSync('/proc/self/stat', 'latin1');
    expect(values).toMatchObject({
      'sys.pid': process.pid,
      'sys.tid': process.pid, // the kernel's id of the main thread
      'sys.boot_id': readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim(),
      'sys.ns.pid': statSync('/proc/self/ns/pid').ino,
      'sys.start_ticks': Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[22 - 3]),
      'sys.uid': process.getuid!(),
      'sys.gid': process.getgid!(),
      'org.nodejs.version': `node ${process.version}`,
    });
    expect(Math.abs((values['sys.created'] as number) - Date.now() / 1000)).toBeLessThan(5);
    expect(second.created).toBeGreaterThan(first.created);
    expect(first.pid).toBe(process.pid);
  });

  test('user fields come after the inherited process fields', () => {
    class App extends MmStats {
      static override fields = { requests: field.counter() };
    }
    const labels = readStats(new App(options()).filename).map((r) => r.label);
    expect(labels.at(-1)).toBe('requests');
    expect(labels[0]).toBe('sys.pid');
  });
});

test('an accessor initializer writes its value when the stats object is created', () => {
  class Initialised extends BaseMmStats {
    @field.double() accessor ratio = 0.5;
    @field.string({ size: 8 }) accessor mode = 'warm';
  }
  const s = new Initialised(options());
  expect(valuesOf(s.filename)).toEqual({ ratio: 0.5, mode: 'warm' });
  s.ratio = 0.75;
  expect(valuesOf(s.filename).ratio).toBe(0.75);
});
