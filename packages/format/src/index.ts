// Constants of format v1
export {
  FORMAT_VERSION,
  UNBUFFERED,
  MAX_LABEL_BYTES,
  MAX_SIGNATURE_BYTES,
  MAX_STRING_SIZE,
  DEFAULT_STRING_SIZE,
  STATIC_TEXT_SIZE,
  DEFAULT_PAGE_SIZE,
} from './constants';

// Errors
export { MmstatsError, DecodeError, EncodeError } from './errors';
export type { DecodeErrorDetails } from './errors';

// Type signatures and slot values
export {
  FIXED_SIGNATURES,
  parseTypeSignature,
  stringSignature,
  readSlot,
  writeSlot,
  toBigInt,
  decodeUtf8,
  encodeUtf8Into,
} from './types';
export type { TypeInfo, ValueKind, StatValue } from './types';

// Layout
export { recordSize, fileSize } from './layout';
export type { RecordLayout } from './layout';

// Encoding (writers)
export { layoutRecords, writeRecords, encodeFile } from './encode';
export type { RecordSpec, EncodeOptions, FilePlan } from './encode';

// Decoding (readers)
export { decodeLayout, decodeFile, readValue, toDataView, DEFAULT_MAX_RECORDS } from './decode';
export type { DecodeOptions, DecodedRecord } from './decode';
export { safeJsonString } from './quote';

// Naming: the temporary name a stats file is built under (SPEC.md §10)
export { temporaryFileName, parseTemporaryFileName, couldBeUnfinishedStatsFile } from './temporary-name';
export type { TemporaryName } from './temporary-name';

// The read protocol of our tools (SPEC.md §8.3): values confirmed by two identical copies
export { readStableFile, readStableRecords, DEFAULT_MAX_COPIES, DEFAULT_PATIENT_COPIES } from './stable';
export type { ReadAt, StableRead, StableReadOptions } from './stable';

// What a file records about its writer, and the /proc texts tools compare it with (SPEC.md §10)
export {
  PID_SUFFIX,
  MAX_PID,
  IDENTITY_LABELS,
  toProcessId,
  writerIdentityOf,
  parseStartTicks,
  parseInnermostPid,
  namespaceId,
} from './writer-identity';
export type { WriterIdentity } from './writer-identity';
