// instrumentHttpServer against real Express and Fastify servers under autocannon: the counts in the
// file equal autocannon's per route and status, routes are templates, unmatched routes collapse
// into one label, in-flight returns to 0, and bytes equal what the connections moved.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { parseSeriesLabel } from '@mmstats/format';
import { HTTP_METRICS, SchemaError, UNMATCHED_ROUTE, expressRoute, instrumentFastify, instrumentHttpServer, type HttpInstrumentation } from '@mmstats/writer';
import Fastify from 'fastify';
import { histogramsIn, readStats, tempDir, waitFor } from './util';

// Neither ships its types in this repository; their use here is small and checked by the test.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const express = require('express') as any;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: object) => Promise<AutocannonResult>;

interface AutocannonResult {
  readonly errors: number;
  readonly timeouts: number;
  readonly statusCodeStats: Record<string, { count: number }>;
  readonly throughput: { total: number };
}

const dir = tempDir();
let serial = 0;
const filename = () => `http-${serial++}.mmstats`;

/** Values of the series of `family` in a file: labels → value. */
function seriesOf(path: string, family: string): Array<{ labels: Record<string, string>; value: number }> {
  return readStats(path)
    .map((record) => ({ parsed: parseSeriesLabel(record.label), value: Number(record.value) }))
    .filter(({ parsed }) => parsed?.name === family)
    .map(({ parsed, value }) => ({ labels: { ...parsed!.labels }, value }));
}

function total(path: string, family: string, labels: Record<string, string> = {}): number {
  return seriesOf(path, family)
    .filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

function inFlight(path: string): number {
  return Number(readStats(path).find((r) => r.label === HTTP_METRICS.inFlight.name)!.value);
}

/** Counts what the server's connections moved, independently of the instrumentation. */
function countConnections(server: Server): { read: number; written: number } {
  const moved = { read: 0, written: 0 };
  server.on('connection', (socket: Socket) =>
    socket.once('close', () => {
      moved.read += socket.bytesRead;
      moved.written += socket.bytesWritten;
    }),
  );
  return moved;
}

const STATUS_CLASS = (code: string) => `${code[0]}xx`;

/** Runs autocannon on each path and checks the file's counts per route and status class against autocannon's. */
async function loadAndCheck(server: Server, instrumentation: HttpInstrumentation, cases: Array<{ path: string; route: string; method?: string; body?: string }>) {
  const file = instrumentation.registry.filename;
  const port = (server.address() as AddressInfo).port;
  const moved = countConnections(server);
  const expected = new Map<string, number>();
  let received = 0;
  for (const { path, route, method = 'GET', body } of cases) {
    const result = await autocannon({ url: `http://127.0.0.1:${port}${path}`, amount: 200, connections: 4, method, body });
    expect([result.errors, result.timeouts]).toEqual([0, 0]);
    received += result.throughput.total;
    for (const [code, { count }] of Object.entries(result.statusCodeStats)) {
      const key = JSON.stringify({ method, route, status: STATUS_CLASS(code) });
      expected.set(key, (expected.get(key) ?? 0) + count);
    }
  }
  await waitFor('no request in flight', () => inFlight(file) === 0);
  const recorded = new Map(seriesOf(file, HTTP_METRICS.requests.name).map((s) => [JSON.stringify({ method: s.labels.method, route: s.labels.route, status: s.labels.status }), s.value]));
  expect(recorded).toEqual(expected);
  // Durations: one observation per request, per method and route.
  for (const { route, method = 'GET' } of cases) {
    const series = histogramsIn(file).find((s) => s.family === HTTP_METRICS.duration.name && s.labels.route === route && s.labels.method === method)!;
    expect(series.count).toBe(total(file, HTTP_METRICS.requests.name, { route, method }));
  }
  // Bytes: the totals are what the connections moved, as counted by the server and by autocannon.
  await new Promise((resolve) => server.close(resolve));
  expect(total(file, HTTP_METRICS.responseBytes.name)).toBe(moved.written);
  expect(moved.written).toBe(received);
  expect(total(file, HTTP_METRICS.requestBytes.name)).toBe(moved.read);
  return file;
}

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** Listens on a free loopback port; the server is closed after the test. */
async function listen(server: Server): Promise<void> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
}

describe('instrumentHttpServer', () => {
  it('counts an Express app’s requests under autocannon by route template, method and status class', async () => {
    const app = express();
    app.get('/users/:id', (req: any, res: any) => res.json({ id: req.params.id }));
    app.get('/fail/:n', (_req: any, res: any) => res.status(500).send('no'));
    app.post('/echo', express.text(), (req: any, res: any) => res.send(req.body));
    const api = express.Router();
    api.get('/items/:itemId', (_req: any, res: any) => setTimeout(() => res.send('later'), 1));
    app.use('/api', api);
    const server = createServer(app);
    const instrumentation = instrumentHttpServer(server, { path: dir, filename: filename(), routeOf: expressRoute });
    await listen(server);
    const file = await loadAndCheck(server, instrumentation, [
      { path: '/users/42', route: '/users/:id' },
      { path: '/users/7', route: '/users/:id' },
      { path: '/fail/1', route: '/fail/:n' },
      { path: '/api/items/9', route: '/api/items/:itemId' },
      { path: '/echo', route: '/echo', method: 'POST', body: 'some text to echo' },
      { path: '/nowhere/1', route: UNMATCHED_ROUTE },
      { path: '/nowhere/2', route: UNMATCHED_ROUTE },
    ]);
    const routes = new Set(seriesOf(file, HTTP_METRICS.requests.name).map((s) => s.labels.route));
    expect([...routes].sort()).toEqual(['#unmatched', '/api/items/:itemId', '/echo', '/fail/:n', '/users/:id']);
    expect(total(file, HTTP_METRICS.requests.name, { route: '/users/:id', status: '2xx' })).toBe(400);
    expect(total(file, HTTP_METRICS.requests.name, { route: UNMATCHED_ROUTE, status: '4xx' })).toBe(400);
  }, 120_000);

  it('counts a Fastify app’s requests under autocannon with its route templates', async () => {
    const app = Fastify();
    app.get('/users/:id', async (request) => ({ id: (request.params as { id: string }).id }));
    app.get('/fail/:n', async (_request, reply) => reply.code(503).send('no'));
    app.post('/echo', async (request) => request.body);
    const instrumentation = instrumentFastify(app, { path: dir, filename: filename() });
    servers.push(app.server);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const file = await loadAndCheck(app.server, instrumentation, [
      { path: '/users/42', route: '/users/:id' },
      { path: '/users/8', route: '/users/:id' },
      { path: '/fail/3', route: '/fail/:n' },
      { path: '/echo', route: '/echo', method: 'POST', body: 'fastify echo' },
      { path: '/nowhere/1', route: UNMATCHED_ROUTE },
      { path: '/nowhere/2?x=1', route: UNMATCHED_ROUTE },
    ]);
    const routes = new Set(seriesOf(file, HTTP_METRICS.requests.name).map((s) => s.labels.route));
    expect([...routes].sort()).toEqual(['#unmatched', '/echo', '/fail/:n', '/users/:id']);
    expect(total(file, HTTP_METRICS.requests.name, { route: '/fail/:n', status: '5xx' })).toBe(200);
  }, 120_000);

  /** A plain server whose handler is `handler`, instrumented, listening. */
  async function plainServer(handler: (req: IncomingMessage, res: import('node:http').ServerResponse) => void, routeOf?: (req: IncomingMessage) => string | undefined) {
    const server = createServer(handler);
    const instrumentation = instrumentHttpServer(server, { path: dir, filename: filename(), routeOf });
    await listen(server);
    const port = (server.address() as AddressInfo).port;
    return { instrumentation, port, file: instrumentation.registry.filename };
  }

  /** Sends `raw` on a new connection and resolves with the whole reply once the server closes it. */
  async function rawRequest(port: number, raw: string): Promise<string> {
    const socket = connect(port, '127.0.0.1');
    socket.setEncoding('utf8');
    let reply = '';
    socket.on('data', (chunk) => (reply += chunk));
    socket.write(raw);
    await once(socket, 'close');
    return reply;
  }

  it('counts the exact bytes of a request and of its response, headers included', async () => {
    const { port, file } = await plainServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('four'));
    });
    const request = 'POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello';
    const reply = await rawRequest(port, request);
    await waitFor('the request to be counted', () => total(file, HTTP_METRICS.requests.name) === 1);
    expect(total(file, HTTP_METRICS.requestBytes.name)).toBe(Buffer.byteLength(request));
    expect(total(file, HTTP_METRICS.responseBytes.name)).toBe(Buffer.byteLength(reply));
  });

  it('puts unknown methods under one label, a throwing routeOf under #unmatched, and counts aborted responses', async () => {
    let route: string | undefined = '/ok';
    const { port, file } = await plainServer(
      (req, res) => {
        if (req.url === '/hang') res.writeHead(200).write('partial');
        else res.end();
      },
      () => {
        if (route === undefined) throw new Error('no route');
        return route;
      },
    );
    await rawRequest(port, 'PROPFIND /a HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    await rawRequest(port, 'PURGE /a HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    route = undefined;
    await rawRequest(port, 'GET /b HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    route = '/hang';
    const hanging = connect(port, '127.0.0.1');
    hanging.write('GET /hang HTTP/1.1\r\nHost: a\r\n\r\n');
    await once(hanging, 'data');
    expect(inFlight(file)).toBe(1);
    hanging.destroy();
    await waitFor('the aborted request to end', () => inFlight(file) === 0);
    const requests = seriesOf(file, HTTP_METRICS.requests.name).map((s) => s.labels);
    expect(requests).toEqual(
      expect.arrayContaining([
        { method: '_OTHER', route: '/ok', status: '2xx' },
        { method: 'GET', route: UNMATCHED_ROUTE, status: '2xx' },
        { method: 'GET', route: '/hang', status: 'aborted' },
      ]),
    );
    expect(requests.some((labels) => labels.method === 'PROPFIND' || labels.method === 'PURGE')).toBe(false);
    expect(total(file, HTTP_METRICS.requests.name, { method: '_OTHER' })).toBe(2);
  });

  it('stop() stops counting new requests', async () => {
    const { instrumentation, port, file } = await plainServer((_req, res) => res.end());
    await rawRequest(port, 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    await waitFor('the first request to be counted', () => total(file, HTTP_METRICS.requests.name) === 1);
    instrumentation.stop();
    instrumentation.stop();
    const reply = await rawRequest(port, 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1.1 200/);
    expect(total(file, HTTP_METRICS.requests.name)).toBe(1);
  });

  it('refuses what is not a server, and a routeOf that is not a function', () => {
    expect(() => instrumentHttpServer({} as Server)).toThrow(new SchemaError('instrumentHttpServer(): the first argument must be a node:http server, got object'));
    expect(() => instrumentHttpServer(createServer(), { routeOf: 'x' as never })).toThrow('instrumentHttpServer(): routeOf must be a function, got string');
    expect(() => instrumentFastify(null as never)).toThrow(SchemaError);
  });
});
