import type { RecordLayout } from '@mmstats/format';

import { defineCommand } from '../command-spec';
import { describeError } from '../errors';
import type { Io } from '../io';
import { FILES_ARGUMENT, JSON_OPTION, PREFIX_FILTER_OPTIONS } from '../options';
import { filterRecords } from '../read/filter';
import { compareCodePoints, selectFiles } from '../read/files';
import { readSnapshot, type FileSnapshot } from '../read/snapshot';
import { escapeControls } from '../render/escape';
import { quoteLabels } from '../render/labels';
import { fileJson, renderJson, type JsonValue } from '../render/json';
import { renderFileText, UNSTABLE_MARKER, type ShownRecord } from '../render/text';

/** Options of `runSlurp`: the parsed `mmstats slurp` command line. */
export interface SlurpOptions {
  /** Files, directories or glob patterns. Defaults to `$MMSTATS_GLOB`, else `*.mmstats` in the default directory. */
  readonly files?: readonly string[];
  /** Print one JSON document instead of text. Defaults to false. */
  readonly json?: boolean;
  /** Keep only labels starting with one of these. Defaults to all labels. */
  readonly prefix?: readonly string[];
  /** Drop labels starting with one of these. Defaults to none. */
  readonly exclude?: readonly string[];
  /** Sort records by label. Defaults to file order. */
  readonly sort?: boolean;
  /** Add stack traces to error messages. Defaults to false. */
  readonly verbose?: boolean;
}

/**
 * `mmstats slurp`: prints every record of every selected file once, in the original slurpstats
 * layout or as JSON. Returns 0, or 1 if any file could not be read or decoded (the others are
 * still printed, and each failure gets one line on standard error) or if no file was found.
 * A record whose value changed between every two copies the read protocol made (SPEC.md §8.3)
 * is printed with `<unstable>` (JSON: `null`, and listed in the file's `unstable`), with one line
 * per file on standard error; it does not change the exit code. Text output shows control
 * characters of names, labels and strings escaped; `--json` keeps the exact values.
 */
export async function runSlurp(options: SlurpOptions, io: Io): Promise<number> {
  const selection = await selectFiles(options.files ?? [], io.env, io.cwd);
  const filter = { prefix: options.prefix, exclude: options.exclude, sort: options.sort };
  const items: Array<{ file: string; read: () => Promise<FileSnapshot> }> = [
    ...selection.files.map((entry) => ({ file: entry.file, read: () => readSnapshot(entry) })),
    ...selection.errors.map((error) => ({ file: error.file, read: async (): Promise<FileSnapshot> => ({ file: error.file, error }) })),
  ];
  items.sort((a, b) => compareCodePoints(a.file, b.file));

  if (items.length === 0) {
    io.stderr(escapeControls(`mmstats: no mmstats files found (searched ${selection.searched})`) + '\n');
    if (options.json) io.stdout(renderJson([]));
    return 1;
  }

  let failed = false;
  const json: JsonValue[] = [];
  for (const item of items) {
    const snapshot = await item.read();
    if (snapshot.error) {
      failed = true;
      io.stderr(describeError(snapshot.error, options.verbose));
      if (options.json) json.push(fileJson(snapshot));
      continue;
    }
    const records = filterRecords(inFileOrder(snapshot.records, snapshot.unstable), filter);
    const unstable = records.filter((record) => record.value === undefined);
    if (unstable.length > 0) io.stderr(unstableText(snapshot.file, unstable, options.json));
    if (options.json) json.push(fileJson(snapshot, records));
    else io.stdout(renderFileText(snapshot.file, records));
  }
  if (options.json) io.stdout(renderJson(json));
  return failed ? 1 : 0;
}

/** The confirmed records and the unstable ones (without a value), merged in file order. */
function inFileOrder(records: readonly ShownRecord[], unstable: readonly RecordLayout[]): ShownRecord[] {
  if (unstable.length === 0) return [...records];
  const merged: ShownRecord[] = [...records, ...unstable.map((layout) => ({ label: layout.label, signature: layout.signature, layout }))];
  return merged.sort((a, b) => a.layout.index - b.layout.index);
}

/** One line naming the records of `file` that no two copies agreed on, control characters escaped. */
function unstableText(file: string, unstable: readonly ShownRecord[], json = false): string {
  const names = quoteLabels(unstable.map((record) => record.label));
  const what = unstable.length === 1 ? 'value changed' : 'values changed';
  const shown = json ? 'null' : UNSTABLE_MARKER;
  return escapeControls(`mmstats: ${file}: ${names}: ${what} between every two reads, shown as ${shown}`) + '\n';
}

/** `mmstats slurp [files..]`: what it takes, its help, and `runSlurp` to run it. */
export const slurpCommand = defineCommand({
  name: 'slurp',
  describe: 'print every value of mmstats files once',
  positionals: [FILES_ARGUMENT],
  options: {
    ...PREFIX_FILTER_OPTIONS,
    ...JSON_OPTION,
    sort: { type: 'boolean', default: false, describe: 'sort records by label instead of file order' },
  },
  examples: [
    ['mmstats slurp', 'every *.mmstats file in the default directory'],
    ["mmstats slurp 'app-*' --prefix http.", 'the http.* records of some files'],
    ['mmstats slurp /run/myapp --json', 'a directory, as JSON'],
  ],
  run: ({ options, positionals, verbose }, io) => runSlurp({ ...options, files: positionals.files, verbose }, io),
});
