// Entry point of the example: `node examples/cluster-server/server.js`. The primary process
// forks the HTTP workers; each worker publishes its own stats file. One script for both roles
// keeps the default stats file name `server-<pid>-<pid>-<nsid>.mmstats` for every worker.
const cluster = require('node:cluster');

if (cluster.isPrimary) require('./primary').startCluster();
else require('./worker').startWorker();
