// An instrumented HTTP server: what an application using @mmstats/writer looks like.
// Run by scripts/demo.js; prints its port on stdout, removes its stats file on SIGTERM.
const http = require('node:http');
const { MmStats, field } = require('@mmstats/writer');

class WebStats extends MmStats {
  static fields = {
    ok: field.counter({ label: 'status.2XX' }),
    notFound: field.counter({ label: 'status.4XX' }),
    failed: field.counter({ label: 'status.5XX' }),
    lastHit: field.double({ label: 'last_hit' }),
    lastPath: field.string({ label: 'last_path', size: 64 }),
    took: field.timer({ label: 'request_seconds' }),
    bodySize: field.average({ label: 'response_bytes' }),
  };
}

const stats = new WebStats({ labelPrefix: 'web.stats.', filename: 'demo-app-{PID}-{TID}.mmstats' });

function respond(req, res) {
  if (req.url === '/') return [200, 'hello\n'];
  if (req.url === '/status') return [200, JSON.stringify({ ok: Number(stats.ok.value) }) + '\n'];
  if (req.url === '/500') return [500, 'failure on purpose\n'];
  return [404, 'not found\n'];
}

const server = http.createServer((req, res) => {
  stats.took.time(() => {
    const [status, body] = respond(req, res);
    if (status < 300) stats.ok.inc();
    else if (status < 500) stats.notFound.inc();
    else stats.failed.inc();
    stats.lastHit = Date.now() / 1000;
    stats.lastPath = req.url;
    stats.bodySize.add(Buffer.byteLength(body));
    res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
  });
});

server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port, file: stats.filename })));

process.on('SIGTERM', () => {
  stats.remove();
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
