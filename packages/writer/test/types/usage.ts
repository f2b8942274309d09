// Compiled by types.test.ts with tsc: what a TypeScript user writes must type-check, and each
// line marked @ts-expect-error must be rejected (tsc fails on an expect-error that is not needed).
import { BaseMmStats, MmStats, field, type Average, type Counter, type MovingAverage, type Timer } from '@mmstats/writer';

class WebStats extends MmStats {
  @field.counter({ label: 'status.2XX' }) accessor ok!: Counter;
  @field.double() accessor load!: number;
  @field.string({ size: 32 }) accessor user!: string;
  @field.bool() accessor up!: boolean;
  @field.uint64<bigint>() accessor bytes!: bigint;
  @field.average() accessor size!: Average;
  @field.movingAverage({ size: 10 }) accessor recent!: MovingAverage;
  @field.timer() accessor took!: Timer;
  @field.staticText({ value: () => 'v1.2.3' }) accessor build!: string;
  @field.double() accessor ratio = 0.5;
}

const stats = new WebStats({ labelPrefix: 'web.', path: '/tmp' });
stats.ok.inc();
stats.ok.inc(5);
stats.ok.value = 10;
stats.load = 1.5;
stats.user = 'alice';
stats.up = true;
stats.bytes = 10n;
stats.size.add(512);
stats.recent.add(3);
stats.took.time(() => 1);
const seconds: number = stats.took.stop();
const pid: number = stats.pid;
const flushing: Promise<void> = stats.flush({ async: true });
const flushed: void = stats.flush();
void [seconds, pid, flushing, flushed];

// @ts-expect-error a double takes numbers only
stats.load = 'fast';
// @ts-expect-error a counter is not assignable: use inc() or value
stats.ok = 5;
// @ts-expect-error strings take strings
stats.user = 42;
// @ts-expect-error the decorator's type must match the accessor's
class Wrong extends BaseMmStats { @field.double() accessor name!: string; }
// @ts-expect-error counters have inc(), not add()
stats.ok.add(1);
// @ts-expect-error unknown options are rejected
field.counter({ lable: 'typo' });
void Wrong;

// A TypeScript subclass of MmStats may use the plain `static fields` map too (its fields add to the
// process fields); it declares the instance properties it reads.
class Jobs extends MmStats {
  static override fields = { done: field.counter(), last: field.string() };
  declare readonly done: Counter;
  declare last: string;
}
const jobs = new Jobs({ path: '/tmp' });
jobs.done.inc();
jobs.last = 'build';
void jobs;
