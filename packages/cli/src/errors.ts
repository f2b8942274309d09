import { MmstatsError } from '@mmstats/format';

import { escapeControls } from './render/escape';

/** Bad command-line flags or arguments: reported in one line, exit code 2. */
export class UsageError extends MmstatsError {}

/**
 * A file could not be read (missing, not a regular file, no permission), or an argument named no
 * files. The message starts with the file name; `reason` is the problem alone.
 */
export class ReadError extends MmstatsError {
  readonly file: string;
  readonly reason: string;

  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super(`${file}: ${reason}`, options);
    this.file = file;
    this.reason = reason;
  }
}

/**
 * One line `mmstats: <message>` for standard error; with `verbose`, the stack (and those of the
 * causes) follows. Errors mmstats throws on purpose already name their file; anything else is
 * reported as unexpected. File names and labels in the message come from other processes, so
 * control characters in it are escaped: a newline cannot forge a second line.
 */
export function describeError(err: unknown, verbose = false): string {
  let text = `mmstats: ${err instanceof MmstatsError ? '' : 'unexpected error: '}${escapeControls(messageOf(err))}\n`;
  if (verbose) {
    let cause: unknown = err;
    let prefix = '';
    for (let depth = 0; cause !== undefined && depth < 10; depth++) {
      const { stack, cause: next } = (cause ?? {}) as { stack?: unknown; cause?: unknown };
      text += prefix + (typeof stack === 'string' ? escapeStack(stack, messageOf(cause)) : escapeControls(messageOf(cause))) + '\n';
      prefix = 'Caused by: ';
      cause = next;
    }
  }
  return text;
}

// A stack starts with the message, which may hold a newline of its own: escape the message as a
// whole first, so that it cannot start a line, then each line of the trace.
function escapeStack(stack: string, message: string): string {
  const escaped = message === '' ? stack : stack.replace(message, () => escapeControls(message));
  return escaped.split('\n').map(escapeControls).join('\n');
}

// Duck-typed: errors from another realm (Node's own, seen from a test sandbox) fail `instanceof Error`.
function messageOf(err: unknown): string {
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(err);
}
