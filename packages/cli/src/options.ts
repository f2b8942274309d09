import type { OptionSpecs, PositionalSpec } from './command-spec';
import { FILE_PATTERN } from './read/files';

// Options and positionals more than one command takes, described once.

/**
 * The `[files..]` positional: files, directories (their `*.mmstats`) or glob patterns. Words after
 * `--` land here too, so `mmstats slurp -- -odd.mmstats` works.
 */
export const FILES_ARGUMENT = {
  name: 'files',
  variadic: true,
  describe:
    `mmstats files, directories (their ${FILE_PATTERN} files) or glob patterns; ` +
    `default: $MMSTATS_GLOB, else ${FILE_PATTERN} in $MMSTATS_PATH or the temp directory`,
} as const satisfies PositionalSpec;

/** `--prefix P` and `--exclude P`, both repeatable: which labels to show. */
export const PREFIX_FILTER_OPTIONS = {
  prefix: { type: 'string', repeatable: true, describe: 'show only labels starting with P (repeatable)' },
  exclude: { type: 'string', repeatable: true, describe: 'hide labels starting with P (repeatable; wins over --prefix)' },
} as const satisfies OptionSpecs;

/** `--json`: one JSON document instead of text. */
export const JSON_OPTION = {
  json: { type: 'boolean', default: false, describe: 'print one JSON document with every value at full precision' },
} as const satisfies OptionSpecs;
