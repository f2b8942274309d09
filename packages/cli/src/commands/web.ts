import { defineCommand } from '../command-spec';
import { UsageError } from '../errors';
import type { Io } from '../io';
import { escapeControls } from '../render/escape';
import { resolveScope } from '../web/scope';
import { checkMetricsPrefix, DEFAULT_HOST, DEFAULT_PORT, isLoopback, startWebServer, type WebServer } from '../web/server';

/** Options of `runWeb`: the parsed `mmstats web` command line. */
export interface WebOptions {
  /** Address to bind. Defaults to 127.0.0.1. */
  readonly host?: string;
  /** TCP port (0: any free one). Defaults to 5002. */
  readonly port?: number;
  /** Glob pattern of the files to serve; its directory is the stats directory. Defaults as for slurp. */
  readonly glob?: string;
  /** Prepended to every metric name of `/metrics`. Defaults to none. */
  readonly metricsPrefix?: string;
}

/**
 * `mmstats web`: serves the dashboard, the JSON API and `/metrics` until Ctrl-C (SIGINT) or
 * SIGTERM, then closes the server and resolves to 0. A closed standard output does not stop it:
 * a server started as `mmstats web | head -1` keeps serving. Prints the URL on standard output
 * once it listens, and each skipped file once on standard error, control characters escaped (file
 * names and labels come from other processes). Resolves to 1 when it cannot listen (the port is
 * taken, the address is not this machine's).
 */
export async function runWeb(options: WebOptions, io: Io): Promise<number> {
  const host = options.host ?? DEFAULT_HOST;
  const port = options.port ?? DEFAULT_PORT;
  const scope = await resolveScope(options.glob, io.env, io.cwd);
  let server: WebServer;
  try {
    server = await startWebServer({ scope, host, port, metricsPrefix: options.metricsPrefix, log: (line) => io.stderr(`mmstats: ${escapeControls(line)}\n`) });
  } catch (err) {
    io.stderr(escapeControls(`mmstats: cannot listen on ${host}:${port}: ${listenProblem(err)}`) + '\n');
    return 1;
  }
  // Ready to stop before saying it serves: a SIGTERM sent on reading that line finds the handler.
  const stopped = new Promise<void>((resolve) => {
    const unregister = io.onInterrupt?.(stop) ?? (() => {});
    process.once('SIGTERM', stop);
    function stop() {
      unregister();
      process.removeListener('SIGTERM', stop);
      resolve();
    }
  });
  io.stdout(escapeControls(`mmstats web: serving ${scope.directory}/${scope.pattern} at ${server.url}`) + '\n');
  if (!isLoopback(host)) io.stderr(escapeControls(`mmstats: listening on ${host}: anyone who can reach this address can read these stats`) + '\n');
  await stopped;
  await server.close();
  return 0;
}

function listenProblem(err: unknown): string {
  const { code, message } = (err ?? {}) as NodeJS.ErrnoException;
  if (code === 'EADDRINUSE') return 'address already in use (another program has this port; pick another with --port)';
  if (code === 'EADDRNOTAVAIL') return 'address not available on this machine';
  if (code === 'EACCES') return 'permission denied (ports below 1024 need privileges)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'unknown host name';
  return typeof message === 'string' ? message : String(err);
}

/** `mmstats web`: what it takes, its help, and `runWeb` to run it. */
export const webCommand = defineCommand({
  name: 'web',
  describe: 'serve a live dashboard, a JSON API and Prometheus /metrics over all files',
  positionals: [],
  options: {
    host: { type: 'string', default: DEFAULT_HOST, describe: 'address to listen on (beyond loopback, others can read the stats)' },
    port: { type: 'number', default: DEFAULT_PORT, describe: 'TCP port (0: any free port)' },
    glob: {
      type: 'string',
      describe: 'files to serve; the directory before the first glob character is the stats directory',
      defaultDescription: '$MMSTATS_GLOB, else *.mmstats in $MMSTATS_PATH or the temp directory',
    },
    'metrics-prefix': { type: 'string', describe: 'prepended to every metric name of /metrics (such as mmstats_)' },
  },
  examples: [
    ['mmstats web', 'dashboard at http://127.0.0.1:5002/'],
    ["mmstats web --glob '/run/app/*.mmstats'", 'serve another directory'],
    ['curl -s localhost:5002/metrics', 'Prometheus text format'],
  ],
  run: async ({ options }, io) => {
    const { port, host, glob } = options;
    if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new UsageError('--port must be a whole number from 0 to 65535');
    if (host === '') throw new UsageError('--host must not be empty');
    const metricsPrefix = options['metrics-prefix'] === undefined ? undefined : checkMetricsPrefix(options['metrics-prefix']);
    return runWeb({ host, port, glob, metricsPrefix }, io);
  },
});
