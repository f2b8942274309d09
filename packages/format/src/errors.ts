/** Base class of every error mmstats throws on purpose. */
export class MmstatsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** What a decoder knows about where bad bytes were found. */
export interface DecodeErrorDetails {
  /** Byte offset in the file where the problem starts. */
  offset: number;
  /** Zero-based index of the record being decoded, when the problem is inside one. */
  recordIndex?: number;
  /** File the bytes came from, when the reader knows it. */
  path?: string;
}

function hex(n: number): string {
  return '0x' + n.toString(16);
}

/**
 * The bytes are not a valid format v1 file: wrong version byte, a record that runs past the end,
 * an unknown type signature. The message names the file (when known), the record and the offset.
 */
export class DecodeError extends MmstatsError {
  readonly offset: number;
  readonly recordIndex: number | undefined;
  readonly path: string | undefined;
  /** The problem alone, without file or position. */
  readonly reason: string;

  constructor(reason: string, details: DecodeErrorDetails, options?: { cause?: unknown }) {
    const where =
      details.recordIndex === undefined
        ? `at ${hex(details.offset)}`
        : `record ${details.recordIndex} at ${hex(details.offset)}`;
    super(`${details.path ? details.path + ': ' : ''}${where}: ${reason}`, options);
    this.reason = reason;
    this.offset = details.offset;
    this.recordIndex = details.recordIndex;
    this.path = details.path;
  }

  /** The same error, naming the file it came from. */
  withPath(path: string): DecodeError {
    if (this.path === path) return this;
    return new DecodeError(this.reason, { offset: this.offset, recordIndex: this.recordIndex, path }, { cause: this });
  }
}

/** The format cannot hold what was asked: a label over 65,535 bytes, an unknown type signature. */
export class EncodeError extends MmstatsError {}
