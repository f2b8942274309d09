// instrumentHttpServer: the requests of a node:http server (and so of Express, Fastify and Koa,
// which run on it) counted by method, route and status class, timed, and their bytes counted.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { SchemaError } from '../errors';
import type { Counter } from '../fields/counter';
import type { Family } from '../fields/family';
import type { Histogram } from '../fields/histogram';
import { Registry, type GaugeMetric, type RegistryOptions } from '../registry';
import type { HistogramOptions } from '../schema';
import { recordedRoute, UNMATCHED_ROUTE } from './routes';

/** Options of `instrumentHttpServer()`. */
export interface HttpInstrumentationOptions extends Pick<RegistryOptions, 'path' | 'labelPrefix' | 'mode' | 'reserve'> {
  /**
   * Publish into this registry (beside the application's own metrics). Without it, a registry of
   * its own is created from `path`, `filename`, `labelPrefix`, `mode` and `reserve`.
   */
  readonly registry?: Registry;
  /** File name of the registry created. Defaults to `{CMD}-http-{PID}-{TID}-{NSID}.mmstats`. */
  readonly filename?: string;
  /**
   * The route template of a finished request (`/users/:id`), or undefined when no route matched.
   * Defaults to the template recorded with `setRoute()`. Use `expressRoute` for Express.
   */
  readonly routeOf?: (req: IncomingMessage) => string | undefined;
  /** Buckets of the duration histogram: explicit `buckets`, or the log scale over `min`…`max`. Defaults to prom-client's `[0.005 … 10]`. */
  readonly duration?: Pick<HistogramOptions, 'buckets' | 'min' | 'max'>;
}

/** What `instrumentHttpServer()` returns. */
export interface HttpInstrumentation {
  /** The registry the metrics are in. */
  readonly registry: Registry;
  /** Stops counting new requests (those in flight are still finished); safe to call twice. */
  stop(): void;
}

/** Default of `HttpInstrumentationOptions.filename`. */
export const HTTP_FILENAME_TEMPLATE = '{CMD}-http-{PID}-{TID}-{NSID}.mmstats';

/** prom-client's default buckets, in seconds. */
export const DEFAULT_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The metrics of `instrumentHttpServer`, by name. */
export const HTTP_METRICS = {
  requests: { name: 'http.server.requests', help: 'Requests finished, by method, route template and status class (aborted: the response never completed)' },
  duration: { name: 'http.server.duration', unit: 'seconds', help: 'Time from the request to the end of its response, by method and route template' },
  inFlight: { name: 'http.server.in_flight', unit: 'requests', help: 'Requests received whose response has not ended yet' },
  requestBytes: { name: 'http.server.request.bytes', unit: 'bytes', help: 'Bytes read from the connection for requests, headers included, by method and route template' },
  responseBytes: { name: 'http.server.response.bytes', unit: 'bytes', help: 'Bytes written to the connection for responses, headers included, by method and route template' },
} as const;

// Methods outside this list share one label value, so no client can add series at will.
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE']);
const OTHER_METHOD = '_OTHER';
const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'];

const STARTED = Symbol('mmstats.started');
const READ = Symbol('mmstats.bytesRead');
const WRITTEN = Symbol('mmstats.bytesWritten');

type TimedResponse = ServerResponse & { [STARTED]?: number };
type CountedSocket = Socket & { [READ]?: number; [WRITTEN]?: number };

/**
 * Counts the requests of `server`: `http.server.requests{method,route,status}`, the histogram
 * `http.server.duration{method,route}` in seconds, the gauge `http.server.in_flight`, and the
 * counters `http.server.request.bytes` and `http.server.response.bytes{method,route}`.
 *
 * Bytes are the connection's own counts (`socket.bytesRead`, `socket.bytesWritten`), taken when
 * a response ends: a request's share is what its connection moved since the previous response on
 * it ended. No stream is wrapped, and over all requests the totals are exactly what the server's
 * connections moved. (Requests pipelined on one connection may see their bytes shifted between them.)
 */
export function instrumentHttpServer(server: Server, options: HttpInstrumentationOptions = {}): HttpInstrumentation {
  if (server === null || typeof server !== 'object' || typeof (server as Partial<Server>).prependListener !== 'function') {
    throw new SchemaError(`instrumentHttpServer(): the first argument must be a node:http server, got ${server === null ? 'null' : typeof server}`);
  }
  const routeOf = options.routeOf ?? recordedRoute;
  if (typeof routeOf !== 'function') throw new SchemaError(`instrumentHttpServer(): routeOf must be a function, got ${typeof routeOf}`);
  const registry =
    options.registry ??
    new Registry({ path: options.path, filename: options.filename ?? HTTP_FILENAME_TEMPLATE, labelPrefix: options.labelPrefix, mode: options.mode, reserve: options.reserve ?? 256 * 1024 });
  const m = HTTP_METRICS;
  const requests = registry.counter(m.requests.name, { help: m.requests.help, labels: ['method', 'route', 'status'] });
  const duration = registry.histogram(m.duration.name, { help: m.duration.help, unit: m.duration.unit, labels: ['method', 'route'], ...(options.duration ?? { buckets: DEFAULT_DURATION_BUCKETS }) });
  const inFlight = registry.gauge(m.inFlight.name, { help: m.inFlight.help, unit: m.inFlight.unit, type: 'uint' });
  const requestBytes = registry.counter(m.requestBytes.name, { help: m.requestBytes.help, unit: m.requestBytes.unit, labels: ['method', 'route'] });
  const responseBytes = registry.counter(m.responseBytes.name, { help: m.responseBytes.help, unit: m.responseBytes.unit, labels: ['method', 'route'] });
  const metrics: Metrics = { requests, duration, inFlight, requestBytes, responseBytes, routeOf };

  // One listener for every response, not a closure per request.
  function ended(this: TimedResponse): void {
    record(metrics, this);
  }
  const onRequest = (_req: IncomingMessage, res: TimedResponse): void => {
    res[STARTED] = performance.now();
    inFlight.inc();
    res.once('close', ended);
  };
  // First among the request listeners, so that the time starts before the application's handler runs.
  server.prependListener('request', onRequest);
  let stopped = false;
  return {
    registry,
    stop: () => {
      if (stopped) return;
      stopped = true;
      server.off('request', onRequest);
    },
  };
}

interface Metrics {
  readonly requests: Family<Counter, 'method' | 'route' | 'status'>;
  readonly duration: Family<Histogram, 'method' | 'route'>;
  readonly inFlight: GaugeMetric;
  readonly requestBytes: Family<Counter, 'method' | 'route'>;
  readonly responseBytes: Family<Counter, 'method' | 'route'>;
  readonly routeOf: (req: IncomingMessage) => string | undefined;
}

function record(metrics: Metrics, res: TimedResponse): void {
  const seconds = (performance.now() - res[STARTED]!) / 1000;
  metrics.inFlight.dec();
  const req = res.req;
  const method = METHODS.has(req.method!) ? req.method! : OTHER_METHOD;
  const route = routeLabel(metrics.routeOf, req);
  const status = res.writableFinished ? (STATUS_CLASSES[Math.floor(res.statusCode / 100) - 1] ?? 'other') : 'aborted';
  metrics.requests.labels({ method, route, status }).inc();
  metrics.duration.labels({ method, route }).observe(seconds);
  const socket = req.socket as CountedSocket | null;
  if (socket) {
    const read = socket.bytesRead;
    const written = socket.bytesWritten;
    metrics.requestBytes.labels({ method, route }).inc(read - (socket[READ] ?? 0));
    metrics.responseBytes.labels({ method, route }).inc(written - (socket[WRITTEN] ?? 0));
    socket[READ] = read;
    socket[WRITTEN] = written;
  }
}

/** The route label: the template, or `#unmatched`; a routeOf that throws counts as unmatched. */
function routeLabel(routeOf: (req: IncomingMessage) => string | undefined, req: IncomingMessage): string {
  let route: string | undefined;
  try {
    route = routeOf(req);
  } catch {
    return UNMATCHED_ROUTE;
  }
  return typeof route === 'string' && route.length > 0 ? route : UNMATCHED_ROUTE;
}
