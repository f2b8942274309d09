// Our own wording for command lines the parser rejects. yargs reports them in its own English
// (the parser runs with the `en` locale, so these texts are stable); each is turned into a
// message that says what was wrong in mmstats terms and, where it can, what was meant.

/** What the parser knows of the command line when it rejects it. */
export interface UsageContext {
  /** The command line, without the node and script names. */
  readonly argv: readonly string[];
  /** Every command name. */
  readonly commands: readonly string[];
  /** The command being run, with its usage (`poll <fields> [files..]`), if one was recognised. */
  readonly command?: { readonly name: string; readonly usage: string };
}

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

const list = (text: string) => text.split(', ').map((item) => item.trim());
const quote = (word: string) => `'${word}'`;
const dashed = (name: string) => (name.length === 1 ? `-${name}` : `--${name}`);

function unknownCommand(word: string, context: UsageContext): string {
  if (context.command) return `unexpected argument ${quote(word)}: mmstats ${context.command.usage}`;
  const guess = closest(word, context.commands);
  if (guess) return `unknown command ${quote(word)}; did you mean ${quote(guess)}?`;
  return `unknown command ${quote(word)}; the commands are ${context.commands.join(', ')}`;
}

// yargs lists an option given as --foo-bar twice (foo-bar, fooBar) and names options without dashes.
function unknownArguments(names: string[], context: UsageContext): string {
  const given = names.filter((name) => !/[A-Z]/.test(name) || !names.includes(name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)));
  const positional = given.find((name) => context.argv.includes(name));
  if (positional !== undefined) return unknownCommand(positional, context);
  const options = given.map(dashed);
  return `unknown option${options.length > 1 ? 's' : ''} ${options.join(', ')}`;
}

/** The message to show for the parser's `text` (yargs' English), or `text` itself if it is not one of yargs'. */
export function usageMessage(text: string, context: UsageContext): string {
  let match: RegExpMatchArray | null;
  if ((match = text.match(/^Unknown commands?: (.*)$/s))) return unknownCommand(list(match[1])[0], context);
  if ((match = text.match(/^Unknown arguments?: (.*)$/s))) return unknownArguments(list(match[1]), context);
  if ((match = text.match(/^Not enough non-option arguments: got \d+, need at least \d+$/))) {
    if (!context.command) return 'missing argument';
    const demanded = context.command.usage.match(/<[^>]+>/g) ?? ['argument'];
    return `missing ${demanded.join(' ')}: mmstats ${context.command.usage}`;
  }
  if ((match = text.match(/^Not enough arguments following: (.*)$/)) || (match = text.match(/^Missing argument values?: (.*)$/))) {
    return `${list(match[1]).map(dashed).join(', ')} needs a value`;
  }
  if ((match = text.match(/^Missing required arguments?: (.*)$/s))) return `missing ${list(match[1].split('\n')[0]).map(quote).join(', ')}`;
  return text;
}
