// Stats classes
export { BaseMmStats, MmStats } from './model';
export type { MmStatsOptions, FlushOptions } from './model';
export { defineStats } from './define';
export type { DefineStatsOptions, FieldMap, FieldProperties, StatsClass } from './define';

// Field declarations and the objects some fields expose
export { field } from './field';
export type { FieldDefinition, FieldSpec, FieldAccess, FieldOptions, StringFieldOptions, MovingAverageOptions, StaticFieldOptions } from './schema';
export { Counter } from './fields/counter';
export { Average, MovingAverage } from './fields/average';
export { Timer } from './fields/timer';
export { Histogram } from './fields/histogram';

// File naming
export { DEFAULT_FILENAME_TEMPLATE, defaultDirectory, expandFilename, resolveStatsPath } from './naming';

// Errors
export { SchemaError, MapError, BindingError } from './errors';
export { MmstatsError } from '@mmstats/format';

// Labelled fields, gauges and the runtime API (SPEC.md §14)
export { Registry } from './registry';
export type { RegistryOptions, RegistryGaugeOptions, GaugeType, GaugeMetric } from './registry';
export { Family, DEFAULT_MAX_LABEL_SETS } from './fields/family';
export type { LabelValues } from './fields/family';
export type { Gauge } from './fields/gauge';
export { DEFAULT_RESERVE, REFUSED_LABEL, OBSERVATIONS_REFUSED_LABEL } from './model';
export type { CounterOptions, GaugeOptions, LabelledOptions, GaugeHandle, HistogramOptions, TimerOptions } from './schema';

// The native binding
export { hasMmapBinding } from './mmap';

// Runtime stats: the event loop, memory, CPU and GC of each thread, in a file of its own
export { collectRuntimeStats, RUNTIME_FILENAME_TEMPLATE, DEFAULT_RUNTIME_INTERVAL_MS, DEFAULT_EVENT_LOOP_RESOLUTION_MS } from './runtime/collect';
export type { RuntimeStats, RuntimeStatsOptions } from './runtime/collect';
export { RUNTIME_METRICS } from './runtime/metrics';

// HTTP instrumentation of node:http servers (Express, Fastify, Koa)
export { instrumentHttpServer, HTTP_FILENAME_TEMPLATE, HTTP_METRICS, DEFAULT_DURATION_BUCKETS } from './http/instrument';
export type { HttpInstrumentation, HttpInstrumentationOptions } from './http/instrument';
export { instrumentFastify } from './http/fastify';
export type { FastifyLike } from './http/fastify';
export { expressRoute, setRoute, recordedRoute, UNMATCHED_ROUTE } from './http/routes';
