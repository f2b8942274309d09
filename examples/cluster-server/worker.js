// One HTTP worker: serves the routes and counts every response in its own stats file.
const http = require('node:http');
const { WebStats } = require('./stats');

const HOST = process.env.HOST || '127.0.0.1';
const PORT = Number(process.env.PORT ?? 8000);

/** Handles one request; returns [status, content type, body]. */
function route(url, stats) {
  switch (url) {
    case '/':
      return [200, 'text/plain', 'hello from worker ' + process.pid + '\n'];
    case '/500':
      return [500, 'text/plain', 'failing on purpose\n'];
    case '/status':
      return [200, 'application/json', JSON.stringify(stats) + '\n'];
    default:
      return [404, 'text/plain', 'not found\n'];
  }
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
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  // Created before listening: once the primary reports the cluster ready, every file exists.
  const stats = new WebStats({ labelPrefix: 'web.stats.' });

  const server = http.createServer((req, res) => {
    stats.lastHit = Date.now() / 1000;
    // The timer runs until the response is flushed or the client goes away ('close' covers both).
    stats.requestTime.time(
      () =>
        new Promise((resolve) => {
          res.once('close', resolve);
          let status = 500;
          let type = 'text/plain';
          let body = 'internal error\n';
          try {
            [status, type, body] = route(req.url, stats);
          } catch (error) {
            console.error(`worker ${process.pid}: ${req.url}: ${error.message}`);
          }
          const size = Buffer.byteLength(body);
          res.writeHead(status, { 'content-type': type, 'content-length': size }).end(body);
          stats.counterFor(status)?.inc();
          stats.responseSize.add(size);
        }),
    );
  });

  server.listen(PORT, HOST);
}

module.exports = { startWorker };
