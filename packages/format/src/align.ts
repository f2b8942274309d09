// Aligned slots (SPEC.md §4.5): a writer may pad a record's type signature with spaces so that its
// slots start at offsets that are multiples of their size. Readers skip the padding as Python's
// struct, the original reader, does; writers can then store through typed arrays, and readers
// that map the file load each 2-, 4- or 8-byte value with one aligned load that cannot tear.
import { EncodeError } from './errors';
import { parseTypeSignature, type TypeInfo } from './types';

/**
 * How a writer lays out records: `original` packs them exactly as the original mmstats did (no
 * padding anywhere); `aligned` pads each signature with the fewest trailing spaces that put its
 * slots at multiples of their size (SPEC.md §4.5).
 */
export type SlotLayout = 'original' | 'aligned';

/** What the first slot of `type` is aligned to: its size for 2-, 4- and 8-byte numbers, else 1. */
export function slotAlignment(type: TypeInfo): number {
  return type.kind !== 'string' && (type.size === 2 || type.size === 4 || type.size === 8) ? type.size : 1;
}

/**
 * Spaces to put after the signature of a record of `type` whose slot 0 would start at
 * `unpaddedSlotOffset` without them, so that it starts at a multiple of `slotAlignment(type)`.
 */
export function signaturePadding(type: TypeInfo, unpaddedSlotOffset: number): number {
  const alignment = slotAlignment(type);
  return (alignment - (unpaddedSlotOffset % alignment)) % alignment;
}

/**
 * `signature` followed by the spaces that move slot 0 of its record from `unpaddedSlotOffset` (the
 * file offset it has with the bare signature) to the next multiple of its size: `'Q'` at 13
 * gives `'Q   '`. Strings and 1-byte types are returned as they are. Throws `EncodeError` for a
 * signature `parseTypeSignature` does not know.
 */
export function alignedSignature(signature: string, unpaddedSlotOffset: number): string {
  const type = parseTypeSignature(signature);
  if (type === undefined) throw new EncodeError(`unknown type signature ${JSON.stringify(signature)}: cannot align its slot`);
  if (!Number.isSafeInteger(unpaddedSlotOffset) || unpaddedSlotOffset < 0) {
    throw new EncodeError(`slot offset must be a whole number of bytes, got ${String(unpaddedSlotOffset)}`);
  }
  return signature + ' '.repeat(signaturePadding(type, unpaddedSlotOffset));
}
