import type { RecordLayout } from '@mmstats/format';

import { defineCommand } from '../command-spec';
import { describeError } from '../errors';
import { writeStdoutBytes, type Io } from '../io';
import { FILES_ARGUMENT, JSON_OPTION, PREFIX_FILTER_OPTIONS } from '../options';
import { filterRecords, type RecordFilter } from '../read/filter';
import { compareCodePoints, selectFiles } from '../read/files';
import { newStatsReader, readSnapshot, type FileSnapshot } from '../read/snapshot';
import { escapeControls } from '../render/escape';
import { quoteLabels } from '../render/labels';
import { fileJson, JSON_FILES_END, JSON_FILES_START, renderJson, renderJsonFile } from '../render/json';
import { renderFileBytes, UNSTABLE_MARKER, type ShownRecord } from '../render/text';

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
  // Each file is read once: keeping its layout would only hold memory until the end.
  const reader = newStatsReader(0);
  const items: Array<{ file: string; read: () => Promise<FileSnapshot> }> = [
    ...selection.files.map((entry) => ({ file: entry.file, read: () => readSnapshot(entry, reader) })),
    ...selection.errors.map((error) => ({ file: error.file, read: async (): Promise<FileSnapshot> => ({ file: error.file, error }) })),
  ];
  items.sort((a, b) => compareCodePoints(a.file, b.file));

  if (items.length === 0) {
    io.stderr(escapeControls(`mmstats: no mmstats files found (searched ${selection.searched})`) + '\n');
    if (options.json) io.stdout(renderJson([]));
    return 1;
  }

  // Each file is written once it is read (the JSON document piece by piece), and the next one read
  // once standard output has taken it: the output is never held whole.
  let failed = false;
  if (options.json) io.stdout(JSON_FILES_START);
  for (const [i, item] of items.entries()) {
    if (!writeFile(await item.read(), i === 0, filter, options, io)) failed = true;
    await io.drained?.();
  }
  if (options.json) io.stdout(JSON_FILES_END);
  return failed ? 1 : 0;
}

/**
 * Writes one file's part of the output (and its problems to standard error); false if it could
 * not be read. A function of its own, so that nothing of a file is still referenced while the
 * next one is read.
 */
function writeFile(snapshot: FileSnapshot, first: boolean, filter: RecordFilter, options: SlurpOptions, io: Io): boolean {
  if (snapshot.error) {
    io.stderr(describeError(snapshot.error, options.verbose));
    if (options.json) io.stdout(renderJsonFile(fileJson(snapshot), first));
    return false;
  }
  const records = filterRecords(inFileOrder(snapshot.records, snapshot.unstable), filter);
  const unstable = records.filter((record) => record.value === undefined);
  if (unstable.length > 0) io.stderr(unstableText(snapshot.file, unstable, options.json));
  if (options.json) io.stdout(renderJsonFile(fileJson(snapshot, records), first));
  else writeStdoutBytes(io, renderFileBytes(snapshot.file, records));
  return true;
}

/** The confirmed records and the unstable ones (without a value), merged in file order. */
function inFileOrder(records: readonly ShownRecord[], unstable: readonly RecordLayout[]): readonly ShownRecord[] {
  if (unstable.length === 0) return records;
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
