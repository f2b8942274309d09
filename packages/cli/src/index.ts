// Entry point and command line
export { main } from './main';
export { buildParser, packageVersion } from './parser';

// Commands
export { runSlurp, slurpCommand } from './commands/slurp';
export type { SlurpOptions, SlurpArgs } from './commands/slurp';

// Input and output
export { realIo, memoryIo } from './io';
export type { Io, MemoryIo, MemoryIoOptions } from './io';

// Errors
export { UsageError, ReadError, describeError } from './errors';

// Shared option builders
export { withFileSelection, withPrefixFilter, withJson } from './options';

// Reading files
export { selectFiles, expandGlob, compileSegment, defaultDirectory, FILE_PATTERN } from './read/files';
export type { FileEntry, FileSelection } from './read/files';
export { readSnapshot } from './read/snapshot';
export type { FileSnapshot } from './read/snapshot';
export { filterRecords } from './read/filter';
export type { RecordFilter } from './read/filter';

// Rendering
export { formatFloat, FLOAT_STR_PRECISION } from './render/number';
export { formatValue, renderFileText } from './render/text';
export { renderJson, fileJson, jsonValue, stringifyJson, JsonNumber } from './render/json';
export type { JsonValue } from './render/json';
