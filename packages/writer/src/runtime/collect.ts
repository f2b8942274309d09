// collectRuntimeStats: the runtime's own numbers (event loop, memory, CPU, GC, handles) published
// into a stats file of their own, one per thread that starts it, like prom-client's
// collectDefaultMetrics() but readable from other processes. Sampling reads the runtime (it makes
// syscalls: getrusage, /proc reads); what it publishes goes through ordinary field writes.
import { readdirSync } from 'node:fs';
import { constants, monitorEventLoopDelay, performance, PerformanceObserver, type EventLoopUtilization, type IntervalHistogram, type PerformanceEntry } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';
import { SchemaError } from '../errors';
import type { Counter } from '../fields/counter';
import type { Family } from '../fields/family';
import type { Histogram } from '../fields/histogram';
import { Registry, type GaugeMetric, type RegistryOptions } from '../registry';
import { EventLoopDelayDrain } from './event-loop-delay';
import { EVENT_LOOP_DELAY_BUCKETS, GC_PAUSE_BUCKETS, RUNTIME_METRICS } from './metrics';

/** Options of `collectRuntimeStats()`. */
export interface RuntimeStatsOptions extends Pick<RegistryOptions, 'path' | 'labelPrefix' | 'mode'> {
  /**
   * File name, with the placeholders of `MmStatsOptions.filename`. Defaults to
   * `{CMD}-runtime-{PID}-{TID}-{NSID}.mmstats`, apart from the application's own stats file.
   */
  readonly filename?: string;
  /** Milliseconds between two samples. Defaults to 1000. */
  readonly intervalMs?: number;
  /**
   * Period of the native timer whose lateness is the event-loop delay, in milliseconds. Each tick
   * wakes the process: a shorter period catches shorter blocks and costs more CPU. A block longer
   * than the period always shows, to within one period; a shorter one only if a tick fell due
   * during it. Defaults to 250.
   */
  readonly eventLoopResolutionMs?: number;
}

/** What `collectRuntimeStats()` returns. */
export interface RuntimeStats {
  /** The registry writing the file: its `filename`, `flush()`, `remove()`. */
  readonly registry: Registry;
  /** Absolute path of the file. */
  readonly filename: string;
  /** Takes a sample now, besides those of the interval. */
  sample(): void;
  /** Stops sampling and observing; the file stays with the last values. Safe to call twice. */
  stop(): void;
}

/** Default of `RuntimeStatsOptions.filename`. */
export const RUNTIME_FILENAME_TEMPLATE = '{CMD}-runtime-{PID}-{TID}-{NSID}.mmstats';

/** Default of `RuntimeStatsOptions.intervalMs`. */
export const DEFAULT_RUNTIME_INTERVAL_MS = 1000;

/**
 * Default of `RuntimeStatsOptions.eventLoopResolutionMs`. Waking an idle process is most of what
 * runtime stats cost (about 130 µs a wake-up on a 2-core EPYC): at 100 ms the timer's ten wake-ups
 * a second cost twice the 0.1 % of a core allowed; at 250 ms, four (BENCHMARKS.md, "Runtime stats").
 */
export const DEFAULT_EVENT_LOOP_RESOLUTION_MS = 250;

const GC_KINDS = new Map<number, string>([
  [constants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
]);

/**
 * Starts publishing the runtime's numbers into a file of their own (see the README's table):
 * event-loop delay and utilization, heap and memory, GC pauses by kind, active resources, and, in
 * the main thread's file only since they belong to the whole process, CPU time, RSS, open file
 * descriptors and the start time. Each worker thread that calls it gets its own file. Sampling
 * runs on an unref'd timer, so it never keeps the process alive. Bad options are a `SchemaError`;
 * a file that cannot be created, a `MapError`.
 */
export function collectRuntimeStats(options: RuntimeStatsOptions = {}): RuntimeStats {
  const intervalMs = checkMilliseconds('intervalMs', options.intervalMs ?? DEFAULT_RUNTIME_INTERVAL_MS);
  const resolutionMs = checkMilliseconds('eventLoopResolutionMs', options.eventLoopResolutionMs ?? DEFAULT_EVENT_LOOP_RESOLUTION_MS);
  const registry = new Registry({
    path: options.path,
    filename: options.filename ?? RUNTIME_FILENAME_TEMPLATE,
    labelPrefix: options.labelPrefix,
    mode: options.mode,
  });
  const sampler = new Sampler(registry, resolutionMs);
  const timer = setInterval(() => sampler.sample(), intervalMs);
  timer.unref();
  let stopped = false;
  return {
    registry,
    filename: registry.filename,
    sample: () => {
      if (!stopped) sampler.sample();
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      sampler.stop();
    },
  };
}

function checkMilliseconds(name: string, value: unknown): number {
  // Whole milliseconds: monitorEventLoopDelay takes no fractions, and a timer rounds them anyway.
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 2 ** 31 - 1) {
    throw new SchemaError(`collectRuntimeStats(): ${name} must be a whole number of milliseconds from 1 to 2147483647, got ${String(value)}`);
  }
  return value;
}

/** The metrics of one file and the runtime sources they are sampled from. */
class Sampler {
  private readonly delayMonitor: IntervalHistogram;
  private readonly delay: EventLoopDelayDrain;
  private readonly utilization: GaugeMetric;
  private lastLoop: EventLoopUtilization;
  private readonly heapUsed: GaugeMetric;
  private readonly heapTotal: GaugeMetric;
  private readonly external: GaugeMetric;
  private readonly arrayBuffers: GaugeMetric;
  private readonly activeResources: GaugeMetric;
  private readonly gcObserver: PerformanceObserver;
  private readonly process: ProcessSampler | undefined;

  constructor(registry: Registry, resolutionMs: number) {
    const m = RUNTIME_METRICS;
    const delay = registry.histogram(m.eventLoopDelay.name, { help: m.eventLoopDelay.help, unit: m.eventLoopDelay.unit, buckets: EVENT_LOOP_DELAY_BUCKETS });
    this.utilization = registry.gauge(m.eventLoopUtilization.name, { help: m.eventLoopUtilization.help, unit: m.eventLoopUtilization.unit, aggregate: 'mean' });
    this.heapUsed = registry.gauge(m.heapUsed.name, { help: m.heapUsed.help, unit: m.heapUsed.unit });
    this.heapTotal = registry.gauge(m.heapTotal.name, { help: m.heapTotal.help, unit: m.heapTotal.unit });
    this.external = registry.gauge(m.external.name, { help: m.external.help, unit: m.external.unit });
    this.arrayBuffers = registry.gauge(m.arrayBuffers.name, { help: m.arrayBuffers.help, unit: m.arrayBuffers.unit });
    this.activeResources = registry.gauge(m.activeResources.name, { help: m.activeResources.help, unit: m.activeResources.unit, type: 'uint' });
    const gcPause = registry.histogram(m.gcPause.name, { help: m.gcPause.help, unit: m.gcPause.unit, buckets: GC_PAUSE_BUCKETS, labels: ['kind'] });
    this.gcObserver = observeGc(gcPause);
    this.process = isMainThread ? new ProcessSampler(registry) : undefined;

    this.delayMonitor = monitorEventLoopDelay({ resolution: resolutionMs });
    this.delayMonitor.enable();
    this.delay = new EventLoopDelayDrain(this.delayMonitor, delay, resolutionMs * 1e6);
    this.lastLoop = performance.eventLoopUtilization();
    this.sample();
  }

  sample(): void {
    this.delay.drain();
    const loop = performance.eventLoopUtilization();
    this.utilization.set(performance.eventLoopUtilization(loop, this.lastLoop).utilization);
    this.lastLoop = loop;
    const memory = process.memoryUsage();
    this.heapUsed.set(memory.heapUsed);
    this.heapTotal.set(memory.heapTotal);
    this.external.set(memory.external);
    this.arrayBuffers.set(memory.arrayBuffers);
    this.activeResources.set(process.getActiveResourcesInfo().length);
    this.process?.sample(memory.rss);
  }

  stop(): void {
    this.delayMonitor.disable();
    this.gcObserver.disconnect();
  }
}

/** Observes every GC pause into the series of its kind; the four series are added at once. */
function observeGc(pauses: Family<Histogram, 'kind'>): PerformanceObserver {
  const byKind = new Map<number, Histogram>();
  for (const [code, kind] of GC_KINDS) byKind.set(code, pauses.labels({ kind }));
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const code = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      const series = code === undefined ? undefined : byKind.get(code);
      series?.observe(entry.duration / 1000);
    }
  });
  observer.observe({ type: 'gc' });
  return observer;
}

/** The numbers of the whole process, published by the main thread's file only. */
class ProcessSampler {
  private readonly cpuUser: Counter;
  private readonly cpuSystem: Counter;
  private lastCpu = { user: 0, system: 0 };
  private readonly rss: GaugeMetric;
  private readonly openFds: GaugeMetric | undefined;

  constructor(registry: Registry) {
    const m = RUNTIME_METRICS;
    this.cpuUser = registry.counter(m.cpuUser.name, { help: m.cpuUser.help, unit: m.cpuUser.unit });
    this.cpuSystem = registry.counter(m.cpuSystem.name, { help: m.cpuSystem.help, unit: m.cpuSystem.unit });
    this.rss = registry.gauge(m.rss.name, { help: m.rss.help, unit: m.rss.unit });
    this.openFds = process.platform === 'linux' ? registry.gauge(m.openFds.name, { help: m.openFds.help, unit: m.openFds.unit, type: 'uint' }) : undefined;
    registry.gauge(m.startTime.name, { help: m.startTime.help, unit: m.startTime.unit }).set(performance.timeOrigin / 1000);
  }

  sample(rss: number): void {
    const cpu = process.cpuUsage();
    this.cpuUser.inc(cpu.user - this.lastCpu.user);
    this.cpuSystem.inc(cpu.system - this.lastCpu.system);
    this.lastCpu = cpu;
    this.rss.set(rss);
    // The directory listing holds one descriptor more than the process had: the one reading it.
    if (this.openFds) this.openFds.set(readdirSync('/proc/self/fd').length - 1);
  }
}
