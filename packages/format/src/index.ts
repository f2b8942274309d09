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
export { alignedSignature, signaturePadding, slotAlignment } from './align';
export type { SlotLayout } from './align';

// Encoding (writers)
export { layoutRecords, layoutRecord, writeRecords, writeRecord, encodeFile } from './encode';
export type { RecordSpec, EncodeOptions, FilePlan } from './encode';

// Decoding (readers)
export { decodeLayout, decodeFile, readValue, toDataView, DEFAULT_MAX_RECORDS } from './decode';
export { checkVersion } from './decode';
export type { DecodeOptions, DecodedRecord } from './decode';
export { safeJsonString } from './quote';

// Naming: the temporary name a stats file is built under (SPEC.md §10)
export { temporaryFileName, parseTemporaryFileName, couldBeUnfinishedStatsFile } from './temporary-name';
export type { TemporaryName } from './temporary-name';

// The read protocol of our tools (SPEC.md §8.3): values confirmed by two identical copies
export { readStableFile, readStableRecords, readTrailerBytes, trailerForCopy, decodeCopy, DEFAULT_MAX_COPIES, DEFAULT_PATIENT_COPIES } from './stable';
export type { ReadAt, StableRead, StableReadOptions, DecodedCopy } from './stable';

// Metadata and records added at run time (SPEC.md §14)
export {
  METRIC_KINDS,
  AGGREGATES,
  KNOWN_UNITS,
  TRAILER_SIZE,
  METADATA_MAGIC,
  MAX_APPENDED_LABEL_BYTES,
  hasMetadataMagic,
  decodeTrailer,
  decodeMetadata,
  parseFamilyMeta,
  encodeFamilyMeta,
  unitProblem,
} from './meta';
export type { MetricKind, Aggregate, FamilyMeta, FileMetadata, Trailer } from './meta';
export { appendRecord, appendRecords, prepareRecord, prepareRecords, publishRecord, publishRecords, appendFamily, reserveLeft } from './append';
export { seriesLabel, parseSeriesLabel, escapeLabelValue, labelNameProblem, SeriesLabelError, RESERVED_LABEL_NAMES, OVERFLOW_LABELS } from './series';
export type { ParsedSeriesLabel } from './series';

// The one semantic model of readers: what a record means (SPEC.md §14.3)
export { meaningOf, meaningsOf, familyMeaning, defaultAggregate } from './semantics';
export type { RecordMeaning } from './semantics';
export { combineValues, showsGrowth, growthBetween, isSummable } from './combine';

// Histograms (SPEC.md §14.6): the layout of their records, and what readers make of them
export {
  BOUND_LABEL,
  HISTOGRAM_PARTS,
  HISTOGRAM_PART_SIGNATURES,
  LOG_BUCKETS_PER_OCTAVE,
  LOG_BOUND_DIGITS,
  LOG_SCALE_MAX_ERROR,
  LOG_SCALE_MIN,
  LOG_SCALE_MAX,
  DEFAULT_LOG_RANGE,
  formatBound,
  parseBound,
  boundsProblem,
  logRangeProblem,
  logScaleBound,
  logScaleFirstIndex,
  logScaleLastIndex,
  logScaleBounds,
  histogramRecordSpecs,
  histogramLayoutsOf,
  histogramsOf,
  cumulativeCounts,
  histogramQuantile,
  relativeBucketWidth,
  mergeHistograms,
} from './histogram';
export type { HistogramPart, HistogramSeries, HistogramRead, HistogramLayout } from './histogram';

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
