import type { Io } from './io';

// One declarative description per command: the parser (parse-command-line.ts) and the help text
// (help.ts) are both derived from it, so what a command accepts and what its help says cannot differ.

/** One option of a command: `--name` (and `-x`), its type and how it is shown in the help. */
export interface OptionSpec {
  /** `boolean` takes no value; `string` and `number` need one (`--delay 2`, `--delay=2`, `-d 2`). */
  readonly type: 'boolean' | 'string' | 'number';
  /** One-letter alias: `-d` for `--delay`. */
  readonly short?: string;
  /** One line for the help text. */
  readonly describe: string;
  /** The value when the option is not given. Booleans default to false. */
  readonly default?: string | number | boolean;
  /** How the help shows the default when the value alone would not say it (`until interrupted`). */
  readonly defaultDescription?: string;
  /** A string option given several times keeps every value (`--prefix a --prefix b`); otherwise the last one wins. */
  readonly repeatable?: boolean;
}

/** The options of a command, by long name as typed on the command line (`dry-run`). */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** A positional argument: `<fields>` (required, one word) or `[files..]` (optional, any number). */
export interface PositionalSpec {
  readonly name: string;
  readonly describe: string;
  /** Must be given: `<name>` in the usage line. */
  readonly required?: boolean;
  /** Takes every remaining word (and every word after `--`): `[name..]`. */
  readonly variadic?: boolean;
  /** How the help shows the value when none is given. */
  readonly defaultDescription?: string;
}

/** The value an option has after parsing, from its spec. */
export type OptionValue<O extends OptionSpec> = O['type'] extends 'boolean'
  ? boolean
  : O['type'] extends 'number'
    ? number | (O['default'] extends number ? never : undefined)
    : O['repeatable'] extends true
      ? string[]
      : string | (O['default'] extends string ? never : undefined);

/** The value a positional has after parsing: a list for `[name..]`, else one word (or undefined if optional). */
export type PositionalValue<P extends PositionalSpec> = P['variadic'] extends true ? string[] : P['required'] extends true ? string : string | undefined;

/** A command line parsed against a command's spec. */
export interface ParsedCommandLine<O extends OptionSpecs = OptionSpecs, P extends readonly PositionalSpec[] = readonly PositionalSpec[]> {
  readonly options: { readonly [K in keyof O]: OptionValue<O[K]> };
  readonly positionals: { readonly [Q in P[number] as Q['name']]: PositionalValue<Q> };
  /** `--verbose`, which every command takes: add stack traces to error messages. */
  readonly verbose: boolean;
}

/** A command of `mmstats`: what it takes, how its help describes it, and what it does. */
export interface CommandSpec<O extends OptionSpecs = OptionSpecs, P extends readonly PositionalSpec[] = readonly PositionalSpec[]> {
  /** The word that selects it: `slurp`. */
  readonly name: string;
  /** One line for the list of commands. */
  readonly describe: string;
  readonly positionals: P;
  readonly options: O;
  /** Whole command lines (`mmstats slurp --json`) with what each does. */
  readonly examples: ReadonlyArray<readonly [string, string]>;
  /**
   * Runs the command and resolves to its exit code. Throws `UsageError` for a command line that
   * parses but makes no sense (`--delay 0`).
   */
  run(args: ParsedCommandLine<O, P>, io: Io): Promise<number>;
}

/**
 * A command spec with its option and positional types kept exactly as written, so `run` sees
 * `args.options.delay` as a number and `args.positionals.files` as a list.
 */
export function defineCommand<const O extends OptionSpecs, const P extends readonly PositionalSpec[]>(spec: CommandSpec<O, P>): CommandSpec<O, P> {
  return spec;
}

/** A positional as the usage line shows it: `<fields>`, `[files..]`. */
export function positionalWord(positional: PositionalSpec): string {
  const name = positional.variadic ? `${positional.name}..` : positional.name;
  return positional.required ? `<${name}>` : `[${name}]`;
}

/** `slurp [files..]`, `poll <fields> [files..]`: the command's name and its positionals. */
export function usageLine(spec: Pick<CommandSpec, 'name' | 'positionals'>): string {
  return [spec.name, ...spec.positionals.map(positionalWord)].join(' ');
}
