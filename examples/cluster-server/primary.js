// The primary process: forks the workers, replaces a worker that crashes, and on SIGINT or
// SIGTERM stops them all cleanly (each worker then removes its own stats file).
const cluster = require('node:cluster');
const { tmpdir } = require('node:os');

const WORKERS = 4;
// A worker that does not exit this long after being asked to is killed.
const STOP_GRACE_MS = 5000;

function startCluster() {
  const ready = new Set();
  let stopping = false;

  const fork = () => cluster.fork();

  cluster.on('listening', (worker, address) => {
    ready.add(worker.id);
    if (ready.size === WORKERS) {
      const dir = process.env.MMSTATS_PATH || tmpdir();
      console.log(`cluster-server: ${WORKERS} workers listening on http://${address.address}:${address.port}, stats files in ${dir}`);
    }
  });

  cluster.on('exit', (worker, code, signal) => {
    if (stopping || (code === 0 && signal === null)) return;
    const how = signal ? `killed by ${signal}` : `exit code ${code}`;
    if (!ready.has(worker.id)) {
      // It died before listening (a bad port, an unwritable stats directory): forking again would loop.
      console.error(`cluster-server: worker ${worker.process.pid} failed to start (${how}); stopping`);
      process.exitCode = 1;
      stop();
      return;
    }
    console.error(`cluster-server: worker ${worker.process.pid} died (${how}); its stats file stays. Starting a new worker.`);
    fork();
  });

  function stop() {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers)) {
      // Signal the process itself: worker.kill() would disconnect first, and a worker that loses
      // its channel exits at once, before it can remove its file.
      worker.process.kill('SIGTERM');
    }
    setTimeout(() => {
      for (const worker of Object.values(cluster.workers)) worker.process.kill('SIGKILL');
    }, STOP_GRACE_MS).unref();
  }
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  for (let i = 0; i < WORKERS; i++) fork();
}

module.exports = { startCluster };
