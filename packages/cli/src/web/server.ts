import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { stringifyJson, type JsonValue } from '../render/json';
import { filesIndex, snapshotJson, statsByPrefix, statsIndex } from './api';
import { HistogramIntervals } from './histogram-summary';
import { loadAssets, type Asset } from './assets';
import { OnceLog } from '../render/once-log';
import { collectFiles, narrowCollection, unstableReason, type Collection } from './collect';
import { UsageError } from '../errors';
import { BadRequestError } from './errors';
import { ProblemLog } from './problem-log';
import { OPENMETRICS_FORMAT, prefersOpenMetrics, renderExposition, TEXT_FORMAT } from './prometheus';
import { Query } from './query';
import { BusyError, RequestGate } from './request-gate';
import { checkRequestPattern, selectScopedFiles, type StatsScope } from './scope';
import { AnswerMemo, SharedRead } from './shared-read';

/** Options of `startWebServer`. */
export interface WebServerOptions {
  /** The stats directory and default pattern (see `resolveScope`). */
  readonly scope: StatsScope;
  /** Address to bind. Defaults to 127.0.0.1: only this machine can connect. */
  readonly host?: string;
  /** TCP port; 0 picks a free one. Defaults to 5002, mmash's port. */
  readonly port?: number;
  /**
   * Called once per problem while it lasts (a skipped file, an unexpected error), and once for
   * the life of the server per file and label caught changing between every two reads, with one
   * line of text. File names and labels in it come from other processes: escape it before
   * printing it.
   */
  readonly log?: (line: string) => void;
  /** Most requests served at once. Defaults to `DEFAULT_MAX_ACTIVE`. */
  readonly maxActive?: number;
  /** Most requests waiting for a turn; one more is answered 503. Defaults to `DEFAULT_MAX_WAITING`. */
  readonly maxWaiting?: number;
  /** Most bytes of files one read holds (see `collectFiles`). Defaults to `DEFAULT_MAX_COLLECTED_BYTES`. */
  readonly maxBytes?: number;
  /** Prepended to every metric name of `/metrics` (see `checkMetricsPrefix`). Defaults to none. */
  readonly metricsPrefix?: string;
}

/** Default of `WebServerOptions.maxActive`. */
export const DEFAULT_MAX_ACTIVE = 32;

/** Default of `WebServerOptions.maxWaiting`. */
export const DEFAULT_MAX_WAITING = 32;

/** Seconds a client told 503 (too many requests at once) is asked to wait. */
export const RETRY_AFTER_SECONDS = 1;

/** A running server. */
export interface WebServer {
  /** Base URL, ending in `/`: `http://127.0.0.1:5002/`. */
  readonly url: string;
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  /** Stops accepting connections, closes open ones (browsers keep them alive) and resolves when done. */
  close(): Promise<void>;
}

/** Default address: loopback only. */
export const DEFAULT_HOST = '127.0.0.1';

/** Default port: the one the original mmash used. */
export const DEFAULT_PORT = 5002;

/**
 * Every response's security headers: scripts and styles only from this server (no inline script,
 * so a label that smuggles markup in can never run), no framing, no MIME sniffing.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/**
 * Starts `mmstats web`'s HTTP server (node:http only): the dashboard at `/`, mmash's JSON API
 * (`/stats/`, `/stats/<prefix>`, `/files/`), `/api/snapshot` for the dashboard and `/metrics` for
 * Prometheus. The files are read afresh for each request, but one read is shared by every request
 * that arrives while it is under way (see `SharedRead`), at most `maxActive` requests are served
 * at once and `maxWaiting` wait (one more gets a 503 with `Retry-After`), and one read holds at
 * most `maxBytes` of files. `/files/` only lists names, reading no file. Rejects with the listen
 * error (`EADDRINUSE`…).
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? DEFAULT_HOST;
  const assets = loadAssets();
  const problems = new ProblemLog((line) => options.log?.(line));
  const unstable = new OnceLog((line) => options.log?.(line), 'more values caught changing than can be listed; further ones are not logged');
  const loopbackOnly = isLoopback(host);
  const read = new SharedRead(async () => {
    const collection = await collectFiles(options.scope, undefined, { maxBytes: options.maxBytes });
    logProblems(collection, problems, unstable);
    return collection;
  });
  const gate = new RequestGate(options.maxActive ?? DEFAULT_MAX_ACTIVE, options.maxWaiting ?? DEFAULT_MAX_WAITING);
  const context: Context = { scope: options.scope, metricsPrefix: checkMetricsPrefix(options.metricsPrefix ?? ''), assets, problems, loopbackOnly, read, gate, answers: new AnswerMemo(), histogramIntervals: new HistogramIntervals() };
  const server = http.createServer((request, response) => {
    handle(request, response, context).catch((err: unknown) => {
      // Keyed by the error alone: the URL is the client's to vary.
      const stack = (err as Error)?.stack ?? String(err);
      problems.report(`\0unexpected ${stack}`, `unexpected error serving ${request.url}: ${stack}`);
      if (!response.headersSent) sendJson(response, 500, { error: 'internal error' }, request.method === 'HEAD');
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface Context {
  readonly scope: StatsScope;
  readonly metricsPrefix: string;
  readonly assets: ReadonlyMap<string, Asset>;
  readonly problems: ProblemLog;
  readonly loopbackOnly: boolean;
  /** The files of the scope, read once for all requests that arrive while a read is under way. */
  readonly read: SharedRead<Collection>;
  /** Answers rendered from the current read, for requests that share it. */
  readonly answers: AnswerMemo<Collection, Answer>;
  readonly gate: RequestGate;
  /** The histograms of the previous snapshot, for the current interval's quantiles. */
  readonly histogramIntervals: HistogramIntervals;
}

async function handle(request: http.IncomingMessage, response: http.ServerResponse, context: Context): Promise<void> {
  const head = request.method === 'HEAD';
  if (request.method !== 'GET' && !head) {
    response.setHeader('Allow', 'GET, HEAD');
    return sendJson(response, 405, { error: `method ${request.method} not allowed` }, false);
  }
  // A web page elsewhere could reach a loopback server through a DNS name it controls (DNS
  // rebinding); such a request carries that name as its Host.
  if (context.loopbackOnly && !isLoopbackHost(request.headers.host)) {
    return sendJson(response, 403, { error: `host ${JSON.stringify(request.headers.host ?? '')} not allowed: this server answers only on loopback names` }, head);
  }
  const url = new URL(request.url ?? '/', 'http://localhost');
  try {
    const asset = context.assets.get(url.pathname);
    if (asset) {
      return send(response, 200, asset.contentType, asset.body, head, { 'Cache-Control': 'no-cache' });
    }
    const route = routeOf(url.pathname);
    if (!route) return sendJson(response, 404, { error: `no such page: ${url.pathname}` }, head);
    return await context.gate.run(() => serveData(route, url, request, response, context));
  } catch (err) {
    if (err instanceof BadRequestError) return sendJson(response, 400, { error: err.message }, head);
    if (err instanceof BusyError) {
      const body = { error: `too many requests at once: try again in ${RETRY_AFTER_SECONDS} s` };
      return send(response, 503, 'application/json; charset=utf-8', Buffer.from(stringifyJson(body) + '\n'), head, {
        'Cache-Control': 'no-store',
        'Retry-After': String(RETRY_AFTER_SECONDS),
      });
    }
    throw err;
  }
}

/** Answers a data route (JSON API, snapshot, metrics). */
async function serveData(route: Route, url: URL, request: http.IncomingMessage, response: http.ServerResponse, context: Context): Promise<void> {
  const head = request.method === 'HEAD';
  if (route.name === 'files') {
    const query = Query.parse(url.searchParams, route.argument === undefined ? ['glob'] : []);
    const pattern = route.argument === undefined ? query.pattern() : checkRequestPattern(route.argument);
    // Names only: listing reads no file.
    const selection = await selectScopedFiles(context.scope, pattern);
    return sendData(response, filesIndex(selection?.files ?? []), { files: [], skipped: [] }, head);
  }
  const openMetrics = route.name === 'metrics' && prefersOpenMetrics(request.headers.accept);
  const shared = await context.read.get();
  // Requests that share a read and ask the same thing share the answer too: a crowd of scrapers
  // costs one rendering, not one each.
  const key = `${route.name}\0${'argument' in route ? route.argument : ''}\0${url.search}\0${openMetrics}`;
  const answer = context.answers.get(shared, key, () => render(route, url, shared, openMetrics, context));
  send(response, 200, answer.contentType, answer.body, head, answer.headers);
}

/** A data route's answer, ready to send. */
interface Answer {
  readonly contentType: string;
  readonly body: Buffer;
  readonly headers: Record<string, string>;
}

/** Renders a data route from one read of the files. Throws `BadRequestError` for bad parameters. */
function render(route: Exclude<Route, { name: 'files' }>, url: URL, shared: Collection, openMetrics: boolean, context: Context): Answer {
  const scope = context.scope;
  switch (route.name) {
    case 'stats-index': {
      const query = Query.parse(url.searchParams, ['glob']);
      const collection = narrowCollection(shared, query.pattern());
      return jsonAnswer(statsIndex(collection), collection);
    }
    case 'stats': {
      const query = Query.parse(url.searchParams, ['exact', 'aggr', 'glob']);
      const options = { prefix: route.argument, exact: query.flag('exact'), aggregation: query.aggregation() };
      const collection = narrowCollection(shared, query.pattern());
      return jsonAnswer(statsByPrefix(collection, options), collection);
    }
    case 'snapshot': {
      const query = Query.parse(url.searchParams, ['glob']);
      const pattern = query.pattern();
      const collection = narrowCollection(shared, pattern);
      const where = { directory: scope.directory, pattern: pattern ?? scope.pattern };
      const time = Date.now() / 1000;
      const histograms = context.histogramIntervals.summaries(where.pattern, collection.files, time);
      return jsonAnswer(snapshotJson(collection, where, time, histograms), collection);
    }
    case 'metrics': {
      const query = Query.parse(url.searchParams, ['aggregate', 'strings', 'glob']);
      const sum = query.choice('aggregate', ['sum'] as const) === 'sum';
      const strings = query.flag('strings');
      const collection = narrowCollection(shared, query.pattern());
      const body = renderExposition(collection.files, { openMetrics, sum, strings, prefix: context.metricsPrefix });
      return { contentType: openMetrics ? OPENMETRICS_FORMAT : TEXT_FORMAT, body: Buffer.from(body), headers: dataHeaders(collection) };
    }
  }
}

function jsonAnswer(body: JsonValue, collection: Collection): Answer {
  return { contentType: 'application/json; charset=utf-8', body: Buffer.from(stringifyJson(body) + '\n'), headers: dataHeaders(collection) };
}

type Route = { name: 'stats-index' | 'snapshot' | 'metrics' } | { name: 'stats'; argument: string } | { name: 'files'; argument?: string };

/** The route of a path; `/stats/<prefix>` and `/files/<glob>` carry their percent-decoded argument. */
function routeOf(pathname: string): Route | undefined {
  if (pathname === '/stats/' || pathname === '/stats') return { name: 'stats-index' };
  if (pathname === '/files/' || pathname === '/files') return { name: 'files' };
  if (pathname === '/api/snapshot') return { name: 'snapshot' };
  if (pathname === '/metrics') return { name: 'metrics' };
  if (pathname.startsWith('/stats/')) return { name: 'stats', argument: decodePath(pathname.slice('/stats/'.length)) };
  if (pathname.startsWith('/files/')) return { name: 'files', argument: decodePath(pathname.slice('/files/'.length)) };
  return undefined;
}

function decodePath(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new BadRequestError(`bad percent-encoding in ${JSON.stringify(text)}`);
  }
}

/**
 * Logs what one read found: each skipped file while its problem lasts (a file read fine again is
 * news when it breaks again), and each value caught changing once for the life of the server. A
 * hot counter is unstable on one read and stable on the next: logged as a problem that comes and
 * goes, it flooded the log.
 */
function logProblems(collection: Collection, problems: ProblemLog, unstable: OnceLog): void {
  const served = new Set(collection.files.map((file) => file.file));
  for (const skipped of collection.skipped) {
    if (!served.has(skipped.file)) problems.report(skipped.file, `${skipped.file}: ${skipped.error} (skipped)`);
  }
  for (const file of collection.files) {
    problems.resolve(file.file);
    for (const label of file.unstable) {
      unstable.report(`${file.file}\0${label}`, `${file.file}: ${unstableReason([label])} (logged once)`);
    }
  }
}

/** `X-Mmstats-Skipped`: how many files were skipped, for routes whose body has no place for them. */
function dataHeaders(collection: Collection): Record<string, string> {
  return { 'Cache-Control': 'no-store', 'X-Mmstats-Skipped': String(collection.skipped.length) };
}

function sendData(response: http.ServerResponse, body: JsonValue, collection: Collection, head: boolean): void {
  send(response, 200, 'application/json; charset=utf-8', Buffer.from(stringifyJson(body) + '\n'), head, dataHeaders(collection));
}

function sendJson(response: http.ServerResponse, status: number, body: JsonValue, head: boolean): void {
  send(response, status, 'application/json; charset=utf-8', Buffer.from(stringifyJson(body) + '\n'), head, { 'Cache-Control': 'no-store' });
}

function send(response: http.ServerResponse, status: number, contentType: string, body: Buffer, head: boolean, headers: Record<string, string>): void {
  response.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'Content-Type': contentType, 'Content-Length': body.length });
  response.end(head ? undefined : body);
}

/**
 * Checks a metric name prefix: empty, or what may start a Prometheus metric name without a colon
 * (`[a-zA-Z_][a-zA-Z0-9_]*`). Returns it; throws a `UsageError` saying why not.
 */
export function checkMetricsPrefix(prefix: string): string {
  if (prefix === '' || /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(prefix)) return prefix;
  throw new UsageError(`metrics prefix ${JSON.stringify(prefix)} must be letters, digits and _, not starting with a digit (such as mmstats_)`);
}

/** Whether an address to bind is loopback only (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::ffff:127.0.0.1';
}

/** Whether a Host header names this machine's loopback (`localhost`, `127.0.0.1:5002`, `[::1]:5002`). */
function isLoopbackHost(header: string | undefined): boolean {
  if (!header) return false;
  const match = /^(\[[^\]]*\]|[^:]*)(?::\d+)?$/.exec(header.trim().toLowerCase());
  if (!match) return false;
  const name = match[1].replace(/^\[(.*)\]$/, '$1');
  return name === 'localhost' || name.endsWith('.localhost') || isLoopback(name);
}

