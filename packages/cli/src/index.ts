// Entry point and command line
export { main } from './main';
export { resolveCommandLine, expandHelpCommand, packageVersion, COMMAND_NAMES } from './parser';
export type { CommandLineRequest } from './parser';
export { parseCommandLine, GLOBAL_OPTIONS } from './parse-command-line';
export { defineCommand, usageLine } from './command-spec';
export type { CommandSpec, OptionSpec, OptionSpecs, PositionalSpec, ParsedCommandLine } from './command-spec';
export { programHelp, commandHelp } from './help';

// Commands
export { runSlurp, slurpCommand } from './commands/slurp';
export type { SlurpOptions } from './commands/slurp';
export { runPoll, pollCommand, DEFAULT_HEADER_EVERY } from './commands/poll';
export type { PollOptions, PollArgs } from './commands/poll';
export { runClean, cleanCommand } from './commands/clean';
export type { CleanOptions } from './commands/clean';
export { runWeb, webCommand } from './commands/web';
export type { WebOptions } from './commands/web';

// Input and output
export { realIo, memoryIo } from './io';
export type { Io, MemoryIo, MemoryIoOptions } from './io';

// Errors
export { UsageError, ReadError, describeError } from './errors';

// Shared options
export { FILES_ARGUMENT, PREFIX_FILTER_OPTIONS, JSON_OPTION } from './options';

// Reading files
export { selectFiles, selectTemporaryFiles, expandGlob, compileSegment, defaultDirectory, FILE_PATTERN } from './read/files';
export type { FileEntry, FileSelection } from './read/files';
export { readRegularFile, describeSystemError, FileTooLargeError, DEFAULT_MAX_FILE_BYTES } from './read/regular-file';
export type { ReadRegularFileOptions, RegularFileRead } from './read/regular-file';
export { readSnapshot, sharedStatsReader } from './read/snapshot';
export { StatsReader } from './read/stats-reader';
export type { FileSnapshot, StableFileRead, PickRecords } from './read/stats-reader';
export { LayoutCache, DEFAULT_LAYOUT_CACHE_RECORDS } from './read/layout-cache';
export type { LayoutCacheOptions } from './read/layout-cache';
export { filterRecords } from './read/filter';
export type { RecordFilter } from './read/filter';
export { Sampler, computeTick, missingColumns, holds } from './read/poller';
export type { Sample, FileSample, RecordSample, SamplerOptions, PollMode, Cell, Tick } from './read/poller';
export { parseSelector, splitFields, selects, SelectorError } from './read/selector';
export type { Selector } from './read/selector';
export { systemProcessTable, checkLiveness, readBootTime, readStartTicks, readClockTicks, DEFAULT_CLOCK_TICKS, REUSE_TOLERANCE_SECONDS } from './read/liveness';
export type { ProcessTable, ProcessStatus, Liveness, SystemProcessTableOptions } from './read/liveness';

// Rendering
export { formatFloat, FLOAT_STR_PRECISION } from './render/number';
export { formatValue, renderFileText, UNSTABLE_MARKER } from './render/text';
export type { ShownRecord } from './render/text';
export { renderJson, fileJson, meaningJson, jsonValue, stringifyJson, JsonNumber } from './render/json';
export type { JsonValue } from './render/json';
export { formatCell, growWidths, fitCell, compactNumber, cellMinimum, renderLine, renderHeader, renderTickJson, textWidth, MIN_COLUMN_WIDTH, RATE_DECIMALS } from './render/table';
export { formatBytes, formatDuration, formatRatio, formatAge, formatInUnit, formatValueInUnit, formatRateInUnit, showsInUnit, unitWidth } from './render/units';
export { renderCleanLine, renderCleanSummary, renderCleanJson, countResults, formatUnixTime } from './render/clean';
export type { CleanAction, CleanKind, CleanResult, CleanCounts } from './render/clean';
export { escapeControls } from './render/escape';

// Web server: dashboard, JSON API, Prometheus exposition
export { startWebServer, isLoopback, DEFAULT_HOST, DEFAULT_PORT } from './web/server';
export type { WebServer, WebServerOptions } from './web/server';
export { resolveScope, checkRequestPattern } from './web/scope';
export type { StatsScope } from './web/scope';
export { aggregate, isAggregation, AGGREGATIONS } from './web/aggregate';
export type { Aggregation } from './web/aggregate';
export { renderExposition, metricName, prefersOpenMetrics, TEXT_FORMAT, OPENMETRICS_FORMAT } from './web/prometheus';
export type { ExpositionOptions } from './web/prometheus';
export { BadRequestError } from './web/errors';
export { toProcessId, MAX_PID, PID_SUFFIX } from './read/liveness';
export { ReplacedFileError } from './read/confine';
