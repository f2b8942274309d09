// What `mmstats slurp`, `poll` and `clean` must do with a directory of fuzz files: one outcome per
// file (printed, or one line on standard error naming it), the valid files printed in full, the
// documented exit code, nothing a terminal would act on, and clean removing only the dead.
'use strict';

// Anything but a newline that a terminal acts on (see packages/cli/src/render/escape.ts).
const TERMINAL_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/**
 * Runs the three commands on `dir` through `main` (the CLI's entry point) with an in-memory Io
 * from `memoryIo`, and returns the problems found (empty when all is well) and what happened.
 * `names` are every file in `dir`; `expected` maps some of them to the exact slurp text of their
 * block; `live` and `dead` name a valid file of a live and of a dead process.
 */
async function checkCommands({ main, memoryIo, dir, names, expected, live, dead }) {
  const problems = [];
  const problem = (text) => problems.length < 20 && problems.push(text);
  const run = async (args) => {
    const io = memoryIo({ cwd: dir });
    const code = await main(args, io);
    if (TERMINAL_CONTROL.test(io.out)) problem(`${args[0]}: control characters on standard output`);
    if (TERMINAL_CONTROL.test(io.err)) problem(`${args[0]}: control characters on standard error`);
    return { code, out: io.out, err: io.err };
  };
  const shown = (name) => `./${name}`;

  // slurp: each file once, as a block or as one error line.
  const slurp = await run(['slurp', '.']);
  const blocks = new Map();
  for (const block of slurp.out.split(/\n\n(?===> |$)/)) {
    if (block === '') continue;
    const header = /^==> (.*)/.exec(block);
    if (!header) problem(`slurp: output does not start with a header: ${JSON.stringify(block.slice(0, 80))}`);
    else blocks.set(header[1], block + '\n\n');
  }
  const errorLines = slurp.err === '' ? [] : slurp.err.replace(/\n$/, '').split('\n');
  const failed = new Set();
  for (const line of errorLines) {
    const name = names.find((n) => line.startsWith(`mmstats: ${shown(n)}: `));
    if (!name) problem(`slurp: an error line names no file: ${JSON.stringify(line.slice(0, 120))}`);
    else if (failed.has(name)) problem(`slurp: two error lines for ${name}`);
    else failed.add(name);
  }
  for (const name of names) {
    const printed = blocks.has(shown(name));
    if (printed === failed.has(name)) problem(`slurp: ${name} ${printed ? 'both printed and failed' : 'neither printed nor reported'}`);
  }
  if (blocks.size + failed.size !== names.length) problem(`slurp: ${blocks.size} printed + ${failed.size} failed for ${names.length} files`);
  for (const [name, text] of Object.entries(expected)) {
    if (blocks.get(shown(name)) !== text) problem(`slurp: ${name} printed as ${JSON.stringify(blocks.get(shown(name)))}`);
  }
  if (slurp.code !== (failed.size > 0 ? 1 : 0)) problem(`slurp: exit code ${slurp.code} with ${failed.size} failed files`);

  // slurp --json: one entry per file, the same ones failed.
  const json = await run(['slurp', '--json', '.']);
  try {
    const files = JSON.parse(json.out).files;
    if (files.length !== names.length) problem(`slurp --json: ${files.length} entries for ${names.length} files`);
    const jsonFailed = files.filter((f) => f.error !== undefined).length;
    if (jsonFailed !== failed.size) problem(`slurp --json: ${jsonFailed} errors, text had ${failed.size}`);
  } catch (error) {
    problem(`slurp --json: output is not JSON: ${error.message}`);
  }

  // poll: the valid files have web.hits, so one row; bad files get a line each on standard error.
  const poll = await run(['poll', '-c', '1', '-d', '0.01', 'web.hits', '.']);
  if (poll.code !== 0) problem(`poll: exit code ${poll.code}: ${poll.err.slice(0, 200)}`);
  if (!/^ *web\.hits +files\n *\S+ +\d+\n$/.test(poll.out)) problem(`poll: output ${JSON.stringify(poll.out.slice(0, 200))}`);
  for (const line of poll.err === '' ? [] : poll.err.replace(/\n$/, '').split('\n')) {
    if (!names.some((n) => line.startsWith(`mmstats: ${shown(n)}: `))) problem(`poll: an error line names no file: ${JSON.stringify(line.slice(0, 120))}`);
  }

  // clean: one line per file, nothing failed, the live file kept, the dead one removed.
  const clean = await run(['clean', '.']);
  const lines = clean.out.replace(/\n$/, '').split('\n');
  const summary = lines.pop();
  if (clean.code !== 0) problem(`clean: exit code ${clean.code}`);
  if (lines.length !== names.length) problem(`clean: ${lines.length} lines for ${names.length} files`);
  if (!/^Removed \d+  -  \d+ alive  -  \d+ skipped  -  0 failed$/.test(summary ?? '')) problem(`clean: summary ${JSON.stringify(summary)}`);
  if (!lines.some((line) => line.startsWith(`kept     ${shown(live)} (pid `))) problem(`clean: ${live} not kept`);
  if (!lines.some((line) => line.startsWith(`removed  ${shown(dead)} (pid `))) problem(`clean: ${dead} not removed`);
  const removed = lines.filter((line) => line.startsWith('removed ')).length;

  return { problems, printed: blocks.size, failed: failed.size, removed };
}

module.exports = { checkCommands, TERMINAL_CONTROL };
