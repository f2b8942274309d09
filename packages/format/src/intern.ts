import { bytesAsText, isAscii } from './types';

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
 * The text `bytes[start, end)` as a string if it is ASCII (every real label is), the same string as
 * the last time these bytes were decoded while it is still kept; undefined if some byte is not
 * ASCII (the caller decodes it as UTF-8). One pass over the bytes both hashes and checks them.
 */
export function asciiLabel(bytes: Uint8Array, start: number, end: number): string | undefined {
  const length = end - start;
  if (length > MAX_KEPT_LENGTH) return isAscii(bytes, start, end) ? bytesAsText(bytes.subarray(start, end)) : undefined;
  // FNV-1a: every byte moves every bit of the hash, so labels that differ in one digit spread out.
  let hash = 0x811c9dc5;
  let bits = 0;
  for (let i = start; i < end; i++) {
    const byte = bytes[i];
    bits |= byte;
    hash = Math.imul(hash ^ byte, 0x01000193);
  }
  if (bits >= 0x80) return undefined;
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
