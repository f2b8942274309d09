// The metrics of collectRuntimeStats, by name: kind, unit and help in one table, which the README's
// table follows. Names are dotted like other mmstats labels; readers of Prometheus text turn the
// dots into underscores.

/** Event-loop delay bucket bounds, seconds: a tick late by less than 1 ms counts as on time. */
export const EVENT_LOOP_DELAY_BUCKETS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10];

/** GC pause bucket bounds, seconds. */
export const GC_PAUSE_BUCKETS = [0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1];

/** Which file publishes a metric: every thread's, or only the main thread's (values of the whole process). */
export type Scope = 'thread' | 'process';

export const RUNTIME_METRICS = {
  eventLoopDelay: {
    name: 'nodejs.eventloop.delay',
    scope: 'thread',
    unit: 'seconds',
    help: 'How late the event loop ran a periodic native timer (perf_hooks.monitorEventLoopDelay), per tick',
  },
  eventLoopUtilization: {
    name: 'nodejs.eventloop.utilization',
    scope: 'thread',
    unit: 'ratio',
    help: 'Share of the last sampling interval the event loop spent running code rather than waiting (0 to 1)',
  },
  gcPause: {
    name: 'nodejs.gc.pause',
    scope: 'thread',
    unit: 'seconds',
    help: 'Garbage collection pauses by kind: minor (scavenge), major (mark-sweep-compact), incremental, weakcb',
  },
  heapUsed: { name: 'nodejs.heap.used', scope: 'thread', unit: 'bytes', help: 'V8 heap in use by JavaScript objects' },
  heapTotal: { name: 'nodejs.heap.total', scope: 'thread', unit: 'bytes', help: 'V8 heap reserved, used or not' },
  external: {
    name: 'nodejs.memory.external',
    scope: 'thread',
    unit: 'bytes',
    help: 'Memory of C++ objects bound to JavaScript objects, array buffers included',
  },
  arrayBuffers: { name: 'nodejs.memory.array_buffers', scope: 'thread', unit: 'bytes', help: 'Memory of ArrayBuffers and SharedArrayBuffers, Buffers included' },
  activeResources: {
    name: 'nodejs.active_resources',
    scope: 'thread',
    unit: 'resources',
    help: 'Handles and requests keeping the event loop alive: sockets, servers, timers, file requests (process.getActiveResourcesInfo())',
  },
  cpuUser: { name: 'process.cpu.user', scope: 'process', unit: 'microseconds', help: 'CPU time the process spent in user mode, all threads' },
  cpuSystem: { name: 'process.cpu.system', scope: 'process', unit: 'microseconds', help: 'CPU time the process spent in the kernel, all threads' },
  rss: { name: 'process.memory.rss', scope: 'process', unit: 'bytes', help: 'Resident set size: memory of the process held in RAM' },
  openFds: { name: 'process.open_fds', scope: 'process', unit: 'descriptors', help: 'Open file descriptors of the process (Linux: entries of /proc/self/fd)' },
  startTime: { name: 'process.start_time', scope: 'process', unit: 'epoch_seconds', help: 'When the process started, in seconds since 1970' },
} as const satisfies Record<string, { name: string; scope: Scope; unit: string; help: string }>;
