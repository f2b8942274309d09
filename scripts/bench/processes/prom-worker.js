'use strict';
// A cluster worker for the prom-client comparison: registers `PROM_METRICS` counters and gauges in
// the default registry (what AggregatorRegistry collects), then idles or, on the message
// { block: ms }, blocks its event loop in a busy loop updating them.
const promClient = require('prom-client');

// Constructing it in a worker is what makes the worker answer the primary's requests.
new promClient.AggregatorRegistry();

const count = Number(process.env.PROM_METRICS);
const metrics = [];
for (let i = 0; i < count; i++) {
  const name = `service_part${i % 17}_metric${i}`;
  metrics.push(i % 2 ? new promClient.Gauge({ name, help: 'a gauge' }) : new promClient.Counter({ name, help: 'a counter' }));
}
function writeRound(round) {
  for (let i = 0; i < metrics.length; i++) {
    if (i % 2) metrics[i].set(round + i / 7);
    else metrics[i].inc();
  }
}
writeRound(0);
process.on('message', (message) => {
  if (message && message.block) {
    process.send({ blocked: true });
    const until = Date.now() + message.block;
    let round = 1;
    while (Date.now() < until) writeRound(round++);
  }
});
process.send({ ready: true });
