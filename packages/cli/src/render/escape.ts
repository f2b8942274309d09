/**
 * Labels, string values and file names are written by other processes. Printed raw, an escape
 * sequence among them would drive the terminal (clear it, retitle it, move the cursor), and a
 * newline would forge lines of output. These helpers make such characters visible instead.
 */

// C0 controls, DEL, C1 controls, line and paragraph separators, and the bidirectional overrides
// and isolates that can make text display in a different order than it is stored.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** `\t`, `\n`, `\r`, else `\xNN` below U+0100 and `\uNNNN` above. */
function visible(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` safe to print on a terminal: control characters (C0, DEL, C1), line separators and
 * bidirectional controls become `\n`, `\t`, `\r`, `\xNN` or `\uNNNN`; everything else, backslashes
 * included, is unchanged, so ordinary text prints as it did. Not reversible: use `--json` for the
 * exact value.
 */
export function escapeControls(text: string): string {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text) ? text.replace(UNSAFE, visible) : text;
}

/**
 * A JSON string literal like `JSON.stringify(text)`, with DEL, C1 controls, line separators and
 * bidirectional controls written as `\uNNNN` too (the format package's `safeJsonString`).
 */
export { safeJsonString as jsonString } from '@mmstats/format';
