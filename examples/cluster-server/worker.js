// One HTTP worker: serves the routes and counts every response in its own stats file.
const { createServer } = require('node:http');
const { collectRuntimeStats, instrumentHttpServer } = require('@mmstats/writer');
const { WebStats } = require('./stats');

const HOST = process.env.HOST || '127.0.0.1';
const PORT = Number(process.env.PORT ?? 8000);

/** The routes; any other path is answered 404 and counted under the route `other`. */
const ROUTES = {
  '/': () => [200, 'text/plain', 'hello from worker ' + process.pid + '\n'],
  '/500': () => [500, 'text/plain', 'failing on purpose\n'],
  '/status': (stats) => [200, 'application/json', JSON.stringify(stats) + '\n'],
};

/** The route label of a request: its path if it is one of ROUTES, else `other`. */
function routeLabel(req) {
  return Object.hasOwn(ROUTES, req.url) ? req.url : 'other';
}

/** Handles one request; returns [route label, status, content type, body]. */
function route(url, stats) {
  const handler = Object.hasOwn(ROUTES, url) ? ROUTES[url] : undefined;
  // The route label is one of a few known values, never the raw path: each label set is a
  // record in the file, and clients choose paths.
  if (handler === undefined) return ['other', 404, 'text/plain', 'not found\n'];
  return [url, ...handler(stats)];
}

function startWorker() {
  // A clean stop removes the file; a crash leaves it for inspection (`mmstats clean` removes it).
  // The handlers go in before the file is created, so no signal can end the process between the
  // two; they run from the event loop, after this function has set up `stats` and `server`.
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    stats.remove();
    runtime.stop();
    runtime.registry.remove();
    http.stop();
    http.registry.remove();
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  // Created before listening: once the primary reports the cluster ready, every file exists.
  const stats = new WebStats({ labelPrefix: 'web.stats.' });
  // The runtime's own numbers (event-loop delay, GC pauses, CPU, memory …), sampled every second
  // into a file of their own, `server-runtime-<pid>-….mmstats`.
  const runtime = collectRuntimeStats({ labelPrefix: 'web.stats.', intervalMs: 1000 });

  const server = createServer((req, res) => {
    const started = process.hrtime.bigint();
    stats.lastHit = Date.now() / 1000;
    stats.inFlight++;
    // The timer runs until the response is flushed or the client goes away ('close' covers both).
    stats.requestTime.time(
      () =>
        new Promise((resolve) => {
          res.once('close', () => {
            stats.inFlight--;
            stats.observeLatency(routeLabel(req), Number(process.hrtime.bigint() - started) / 1e9);
            resolve();
          });
          let name = 'other';
          let status = 500;
          let type = 'text/plain';
          let body = 'internal error\n';
          try {
            [name, status, type, body] = route(req.url, stats);
          } catch (error) {
            console.error(`worker ${process.pid}: ${req.url}: ${error.message}`);
          }
          const size = Buffer.byteLength(body);
          res.writeHead(status, { 'content-type': type, 'content-length': size }).end(body);
          stats.countResponse(name, status);
          stats.responseSize.add(size);
        }),
    );
  });

  // Requests by method, route and status class, their duration, in-flight requests and bytes, in
  // `server-http-<pid>-….mmstats`; the route label is the same as ours, never the raw path.
  const http = instrumentHttpServer(server, { labelPrefix: 'web.stats.', routeOf: routeLabel });

  server.listen(PORT, HOST);
}

module.exports = { startWorker };
