/** The version byte at offset 0 of every format v1 file (SPEC.md §2). */
export const FORMAT_VERSION = 1;

/** Write-buffer byte of an unbuffered record: one slot, written in place (SPEC.md §3). */
export const UNBUFFERED = 0xff;

/** Largest label or type signature, in bytes: their lengths are stored as unsigned 16-bit integers. */
export const MAX_LABEL_BYTES = 0xffff;

/** Largest type signature, in bytes (same 16-bit length field as labels). */
export const MAX_SIGNATURE_BYTES = 0xffff;

/** Size of a string field when none is given, as in the original mmstats. */
export const DEFAULT_STRING_SIZE = 255;

/** Size of the static text fields (`256s`). */
export const STATIC_TEXT_SIZE = 256;

/** Page size used to round file sizes when the platform's is not known (SPEC.md §5). */
export const DEFAULT_PAGE_SIZE = 4096;

/**
 * Largest string size a signature may declare. Far above any real field; it bounds what a hostile
 * signature can make a reader compute (a file that claims more runs past its end anyway).
 */
export const MAX_STRING_SIZE = 0x7fffffff;
