import { bytesAsText } from './types';

// Labels repeat: every file a program writes has the same ones, and a reader that reads the same
// file again reads them again. A decoded label is kept here, by a hash of its bytes, so that the
// same bytes met again give the string already made, with nothing allocated; a reader of 200 files
// of one program then holds one copy of each label instead of 200, and makes far less garbage.

/**
 * Labels kept: a power of two. Each label has two slots it may be in, chosen by its hash; it goes
 * into a free one, else replaces the one in its first. With two choices, a program's thousand
 * labels nearly all find a slot of their own.
 */
const SLOTS = 4096;

/** Longer labels are decoded each time: the table holds at most `SLOTS` × this many characters. */
const MAX_KEPT_LENGTH = 96;

const kept = new Array<string | undefined>(SLOTS).fill(undefined);

/**
 * The ASCII text `bytes[start, end)` (the caller checked it is ASCII) as a string, the same string
 * as the last time these bytes were decoded while it is still kept.
 */
export function asciiLabel(bytes: Uint8Array, start: number, end: number): string {
  const length = end - start;
  if (length > MAX_KEPT_LENGTH) return bytesAsText(bytes.subarray(start, end));
  // FNV-1a: every byte moves every bit of the hash, so labels that differ in one digit spread out.
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193);
  const first = hash & (SLOTS - 1);
  const second = (hash >>> 16) & (SLOTS - 1);
  const inFirst = kept[first];
  if (inFirst !== undefined && sameText(inFirst, bytes, start, length)) return inFirst;
  const inSecond = kept[second];
  if (inSecond !== undefined && sameText(inSecond, bytes, start, length)) return inSecond;
  const label = bytesAsText(bytes.subarray(start, end));
  kept[inFirst !== undefined && inSecond === undefined ? second : first] = label;
  return label;
}

function sameText(text: string, bytes: Uint8Array, start: number, length: number): boolean {
  if (text.length !== length) return false;
  for (let i = 0; i < length; i++) if (text.charCodeAt(i) !== bytes[start + i]) return false;
  return true;
}
