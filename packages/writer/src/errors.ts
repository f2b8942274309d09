import { MmstatsError } from '@mmstats/format';

/** A stats class is declared wrongly: a bad field option, a duplicate label or key, a bad decorator target. */
export class SchemaError extends MmstatsError {}

/** The stats file could not be created, mapped or synced. The message names the file and the reason. */
export class MapError extends MmstatsError {
  /** The file concerned. */
  readonly path: string;
  /** The system error code (`EACCES`, `ENOENT`, …) when there is one. */
  readonly code: string | undefined;

  constructor(path: string, reason: string, options?: { cause?: unknown; code?: string }) {
    super(`${path}: ${reason}`, options);
    this.path = path;
    this.code = options?.code;
  }
}

/**
 * The native mmap binding is not built, usually because install scripts were blocked. Thrown when a
 * stats object is created, never at import; the message names the fix.
 */
export class BindingError extends MmstatsError {}
