// JSON parsed with its integers exact: JSON.parse would round 64-bit values to the nearest double.
// Integers become bigints and other numbers doubles; a double with an integer value becomes a
// bigint too, so that `2.0` and `2` compare equal, as README.md of the vectors says they must.

/** A JSON value with exact integers. */
export type ExactJson = null | boolean | string | number | bigint | ExactJson[] | { [key: string]: ExactJson };

// Numbers are wrapped in a one-member object under a key no JSON text of ours produces (a series
// label's keys cannot hold a NUL), then unwrapped by the reviver.
const TAG = '\u0000exact-number';
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/y;

/** An integer as a bigint, any other number as a double (one with an integer value as a bigint). */
export function exactNumber(token: string): number | bigint {
  if (/^-?\d+$/.test(token)) return BigInt(token);
  const value = Number(token);
  return Number.isInteger(value) ? BigInt(value) : value;
}

/** Parses JSON `text`, keeping every integer exact. */
export function parseExact(text: string): ExactJson {
  let wrapped = '';
  let at = 0;
  while (at < text.length) {
    const char = text[at];
    if (char === '"') {
      let end = at + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      wrapped += text.slice(at, end + 1);
      at = end + 1;
    } else if (char === '-' || (char >= '0' && char <= '9')) {
      NUMBER.lastIndex = at;
      const token = NUMBER.exec(text)![0];
      wrapped += `{${JSON.stringify(TAG)}:${JSON.stringify(token)}}`;
      at += token.length;
    } else {
      wrapped += char;
      at++;
    }
  }
  return JSON.parse(wrapped, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1 && keys[0] === TAG) return exactNumber((value as Record<string, string>)[TAG]);
    }
    return value;
  }) as ExactJson;
}
