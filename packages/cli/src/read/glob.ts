/**
 * The one glob matcher of mmstats: `*` (any run of characters), `?` (one character) and `[...]`
 * (one of a set, `[!...]` negated, ranges like `a-z`) within one path segment. Patterns come from
 * users and from web requests, so matching must never take more than a bounded number of steps:
 * it walks the name once with two pointers and remembers only the last `*` (no backtracking
 * regular expression), at most (name length + 1) × (pattern length + 1) steps, whatever the pattern.
 */

/** One element of a compiled segment. */
type Token =
  | { readonly kind: 'char'; readonly char: string }
  | { readonly kind: 'any' }
  | { readonly kind: 'star' }
  | { readonly kind: 'set'; readonly negate: boolean; readonly ranges: ReadonlyArray<readonly [number, number]> };

/** Whether a pattern contains glob characters (`*`, `?` or `[`). */
export function hasMagic(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/**
 * A matcher for one path segment of a glob pattern. `*` and `?` never match `/`; a name starting
 * with `.` matches only if the segment starts with `.` (as in a shell, so the dot-prefixed
 * temporary files writers create are never matched by `*`); an unclosed `[` is an ordinary
 * character; a segment with a backwards range (`[z-a]`) matches only itself, literally.
 */
export function compileSegment(segment: string): (name: string) => boolean {
  const tokens = tokenize(segment);
  const dotAllowed = segment.startsWith('.');
  if (tokens === undefined) return (name) => name === segment;
  return (name) => (dotAllowed || !name.startsWith('.')) && matchTokens(tokens, Array.from(name));
}

/**
 * A matcher for a relative path (`a/b.mmstats`) against a pattern of several segments
 * (`*\/b-*.mmstats`): the same number of segments, each matched by `compileSegment`. Empty and
 * `.` segments are ignored on both sides.
 */
export function compilePath(pattern: string): (name: string) => boolean {
  const segments = splitSegments(pattern).map(compileSegment);
  return (name) => {
    const parts = splitSegments(name);
    return parts.length === segments.length && parts.every((part, i) => segments[i](part));
  };
}

/** The segments of a path, without empty and `.` ones. */
export function splitSegments(pattern: string): string[] {
  return pattern.split('/').filter((segment) => segment !== '' && segment !== '.');
}

/** The tokens of a segment, or undefined when a range runs backwards. */
function tokenize(segment: string): Token[] | undefined {
  const chars = Array.from(segment);
  const tokens: Token[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '*') {
      // A run of stars matches what one star matches.
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (c === '?') {
      tokens.push({ kind: 'any' });
    } else if (c === '[') {
      const set = parseSet(chars, i);
      if (set === 'backwards') return undefined;
      if (set) {
        tokens.push(set.token);
        i = set.end;
      } else {
        tokens.push({ kind: 'char', char: c });
      }
    } else {
      tokens.push({ kind: 'char', char: c });
    }
  }
  return tokens;
}

/**
 * Parses `[...]` starting at `chars[start]`: `]` right after `[` or `[!` is a member; `a-c` is a
 * range unless the `-` is first or last. Undefined when there is no closing `]`.
 */
function parseSet(chars: readonly string[], start: number): { token: Token; end: number } | 'backwards' | undefined {
  let i = start + 1;
  let negate = false;
  if (chars[i] === '!') {
    negate = true;
    i++;
  }
  const ranges: Array<[number, number]> = [];
  for (let first = true; i < chars.length; first = false) {
    const c = chars[i];
    if (c === ']' && !first) return { token: { kind: 'set', negate, ranges }, end: i };
    const low = c.codePointAt(0)!;
    if (chars[i + 1] === '-' && i + 2 < chars.length && chars[i + 2] !== ']') {
      const high = chars[i + 2].codePointAt(0)!;
      if (high < low) return 'backwards';
      ranges.push([low, high]);
      i += 3;
    } else {
      ranges.push([low, low]);
      i++;
    }
  }
  return undefined;
}

function matchesOne(token: Token, char: string): boolean {
  switch (token.kind) {
    case 'char':
      return token.char === char;
    case 'any':
      return char !== '/';
    case 'set': {
      const code = char.codePointAt(0)!;
      const member = token.ranges.some(([low, high]) => code >= low && code <= high);
      return member !== token.negate && char !== '/';
    }
    case 'star':
      return false;
  }
}

/**
 * Whether `tokens` match all of `name` (code points). On a mismatch after a `*`, only that last
 * `*` takes one more character: every token other than `*` matches exactly one character, so an
 * earlier `*` taking more could never succeed where the last one failed.
 */
function matchTokens(tokens: readonly Token[], name: readonly string[]): boolean {
  let t = 0;
  let n = 0;
  let star = -1;
  let starName = 0;
  while (n < name.length) {
    const token = tokens[t];
    if (token?.kind === 'star') {
      star = t++;
      starName = n;
    } else if (token !== undefined && matchesOne(token, name[n])) {
      t++;
      n++;
    } else if (star >= 0 && name[starName] !== '/') {
      t = star + 1;
      n = ++starName;
    } else {
      return false;
    }
  }
  while (tokens[t]?.kind === 'star') t++;
  return t === tokens.length;
}
