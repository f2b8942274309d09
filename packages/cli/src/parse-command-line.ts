import { parseArgs, type ParseArgsConfig } from 'node:util';

import type { CommandSpec, OptionSpec, OptionSpecs, ParsedCommandLine } from './command-spec';
import { UsageError } from './errors';
import { missingArguments, needsValue, takesNoValue, unexpectedArgument, unknownOptions } from './usage';

/** The options every command line takes, whatever its command. */
export const GLOBAL_OPTIONS = {
  verbose: { type: 'boolean', default: false, describe: 'add stack traces to error messages' },
  help: { type: 'boolean', short: 'h', describe: 'show help' },
  version: { type: 'boolean', short: 'v', describe: 'show the version number' },
} as const satisfies OptionSpecs;

type ParseArgsOptions = NonNullable<ParseArgsConfig['options']>;

/** The words of a command line, taken apart by `util.parseArgs` (every value a string, unknown options kept). */
function tokensOf(args: readonly string[], options: OptionSpecs) {
  const config: ParseArgsOptions = {};
  for (const [name, option] of Object.entries(options)) {
    config[name] = { type: option.type === 'boolean' ? 'boolean' : 'string', ...(option.short ? { short: option.short } : {}) };
  }
  // Not strict: unknown options and missing values are reported below, in our words and all at once.
  return parseArgs({ args: [...args], options: config, allowPositionals: true, strict: false, tokens: true }).tokens;
}

// A value that looks like an option is taken as the next option, not as the value: `--prefix --json`
// is a `--prefix` without its value. A negative number is a value. `--prefix=-x` passes anything.
function looksLikeOption(value: string): boolean {
  return value.startsWith('-') && !/^-\.?\d/.test(value);
}

// Like a number typed in a shell: an empty value is no number (Number('') would be 0).
function toNumber(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

function initialValue(option: OptionSpec): unknown {
  if (option.type === 'boolean') return option.default ?? false;
  if (option.repeatable) return [];
  return option.default;
}

/** Whether a command line asks for help (`--help`, `-h`) or the version (`--version`, `-v`) anywhere before `--`. */
export function asksFor(args: readonly string[], what: 'help' | 'version'): boolean {
  const end = args.indexOf('--');
  const before = end === -1 ? args : args.slice(0, end);
  return before.includes(`--${what}`) || before.includes(`-${what[0]}`);
}

/**
 * Parses `args` (the command line without `mmstats` and the command's name) against the
 * command's spec: scalar options keep their last value, repeatable ones every value, and words
 * after `--` are positionals even when they start with a dash. Throws a `UsageError` for an
 * unknown option, an option without its value, a boolean given a value, a missing required
 * positional or a word too many.
 */
export function parseCommandLine<O extends OptionSpecs, P extends CommandSpec['positionals']>(spec: CommandSpec<O, P>, args: readonly string[]): ParsedCommandLine<O, P> {
  const options: OptionSpecs = { ...spec.options, ...GLOBAL_OPTIONS };
  const values: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(options)) values[name] = initialValue(option);
  const unknown: string[] = [];
  const words: string[] = [];
  for (const token of tokensOf(args, options)) {
    if (token.kind === 'positional') {
      words.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue;
    const option = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (option === undefined) {
      // `--no-json`: a boolean switched off, as most command-line tools allow.
      const negated = token.name.startsWith('no-') ? options[token.name.slice(3)] : undefined;
      if (negated?.type === 'boolean' && token.value === undefined) values[token.name.slice(3)] = false;
      else unknown.push(token.rawName);
      continue;
    }
    if (option.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(takesNoValue(token.rawName));
      values[token.name] = true;
      continue;
    }
    const text = token.value;
    if (text === undefined || (!token.inlineValue && looksLikeOption(text))) throw new UsageError(needsValue(token.rawName));
    const value = option.type === 'number' ? toNumber(text) : text;
    values[token.name] = option.repeatable ? [...(values[token.name] as unknown[]), value] : value;
  }
  if (unknown.length > 0) throw new UsageError(unknownOptions(unknown));
  return { options: values, positionals: assignPositionals(spec, words), verbose: values.verbose === true } as unknown as ParsedCommandLine<O, P>;
}

/** The words of a command line given to the command's positionals, in order; a `[name..]` takes the rest. */
function assignPositionals(spec: CommandSpec, words: readonly string[]): Record<string, string | string[] | undefined> {
  const positionals: Record<string, string | string[] | undefined> = {};
  let next = 0;
  for (const positional of spec.positionals) {
    if (positional.variadic) {
      positionals[positional.name] = words.slice(next);
      next = words.length;
      continue;
    }
    if (next >= words.length && positional.required) throw new UsageError(missingArguments(spec));
    positionals[positional.name] = words[next++];
  }
  if (next < words.length) throw new UsageError(unexpectedArgument(words[next], spec));
  return positionals;
}
