// The messages for command lines that cannot be run: each says what was wrong in mmstats terms
// and, where it can, what was meant or what the command takes.

import { positionalWord, usageLine, type CommandSpec } from './command-spec';

/**
 * Edit distance with adjacent transpositions (optimal string alignment): `slurpp` and `slrup`
 * are both one edit from `slurp`.
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The candidate closest to `word`, if it is close enough to be a likely typo (at most 2 edits, fewer for short words). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.min(2, Math.max(1, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

const quote = (word: string) => `'${word}'`;

/** `unknown command 'slurpp'; did you mean 'slurp'?`, or the list of commands when no command is close. */
export function unknownCommand(word: string, commands: readonly string[]): string {
  const guess = closest(word, commands);
  if (guess) return `unknown command ${quote(word)}; did you mean ${quote(guess)}?`;
  return `unknown command ${quote(word)}; the commands are ${commands.join(', ')}`;
}

/** `unknown option --bogus`, `unknown options -x, --foo-bar`: each as it was typed. */
export function unknownOptions(typed: readonly string[]): string {
  return `unknown option${typed.length > 1 ? 's' : ''} ${typed.join(', ')}`;
}

/** `missing <fields>: mmstats poll <fields> [files..]`: every required positional, and the usage line. */
export function missingArguments(spec: Pick<CommandSpec, 'name' | 'positionals'>): string {
  const demanded = spec.positionals.filter((positional) => positional.required).map(positionalWord);
  return `missing ${demanded.length > 0 ? demanded.join(' ') : 'argument'}: mmstats ${usageLine(spec)}`;
}

/** `unexpected argument 'extra': mmstats web`: a word the command has no place for. */
export function unexpectedArgument(word: string, spec: Pick<CommandSpec, 'name' | 'positionals'>): string {
  return `unexpected argument ${quote(word)}: mmstats ${usageLine(spec)}`;
}

/** `--prefix needs a value`, as the option was typed (`-p needs a value`). */
export function needsValue(typed: string): string {
  return `${typed} needs a value`;
}

/** `--json takes no value` (for `--json=1`). */
export function takesNoValue(typed: string): string {
  return `${typed} takes no value`;
}
