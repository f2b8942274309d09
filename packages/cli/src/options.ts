import type { Argv } from 'yargs';

import { FILE_PATTERN } from './read/files';

/** Every value of a repeatable string option: `--prefix a --prefix b` → `['a', 'b']`. */
function toList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/**
 * The `[files..]` positional: files, directories (their `*.mmstats`) or glob patterns. Use with a
 * command string ending in `[files..]`.
 */
export function withFileSelection<T>(yargs: Argv<T>) {
  return yargs.positional('files', {
    describe:
      `mmstats files, directories (their ${FILE_PATTERN} files) or glob patterns; ` +
      `default: $MMSTATS_GLOB, else ${FILE_PATTERN} in $MMSTATS_PATH or the temp directory`,
    type: 'string',
    array: true,
    default: [] as string[],
    defaultDescription: 'none',
  });
}

/**
 * The files a command line names: the `files` positional plus everything after `--` (so that
 * `mmstats slurp -- -odd.mmstats` works; the parser must run with `populate--`).
 */
export function fileArguments(args: { readonly files?: readonly string[]; readonly '--'?: readonly unknown[] }): string[] {
  return [...(args.files ?? []), ...(args['--'] ?? []).map(String)];
}

/** `--prefix P` and `--exclude P`, both repeatable: which labels to show. */
export function withPrefixFilter<T>(yargs: Argv<T>) {
  return yargs
    .option('prefix', {
      describe: 'show only labels starting with P (repeatable)',
      type: 'string',
      requiresArg: true,
      coerce: toList,
    })
    .option('exclude', {
      describe: 'hide labels starting with P (repeatable; wins over --prefix)',
      type: 'string',
      requiresArg: true,
      coerce: toList,
    });
}

/** `--json`: one JSON document instead of text. */
export function withJson<T>(yargs: Argv<T>) {
  return yargs.option('json', {
    describe: 'print one JSON document with every value at full precision',
    type: 'boolean',
    default: false,
  });
}

/**
 * The last of an option's values: yargs gives an array when an option is repeated
 * (`--delay 1 --delay 2`), and the last one given wins, as in most command-line tools.
 */
export function lastOf<T>(value: T | readonly T[]): T {
  return Array.isArray(value) ? (value[value.length - 1] as T) : (value as T);
}
