// Compiled by types.test.ts with tsc and experimentalDecorators: the decorators type-check in the
// legacy dialect too, and the lines marked @ts-expect-error must be rejected.
import { MmStats, field, type Counter, type Timer } from '@mmstats/writer';

class WebStats extends MmStats {
  @field.counter({ label: 'status.2XX' }) accessor ok!: Counter;
  @field.double() accessor load!: number;
  @field.string({ size: 32 }) accessor user!: string;
  @field.uint64<bigint>() accessor bytes!: bigint;
  @field.timer() accessor took!: Timer;
}

const stats = new WebStats({ labelPrefix: 'web.', path: '/tmp' });
stats.ok.inc();
stats.load = 1.5;
stats.user = 'alice';
stats.bytes = 10n;
stats.took.time(() => 1);

// @ts-expect-error a double takes numbers only
stats.load = 'fast';
// @ts-expect-error the decorator's type must match the accessor's
class Wrong extends MmStats { @field.double() accessor name!: string; }
void Wrong;
