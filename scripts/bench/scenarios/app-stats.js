'use strict';
// The stats object of an application, created and exported by its own module as programs do
// (`export const stats = new AppStats()`), for write.js to use from another module. Compiled
// TypeScript reaches such an export as `stats_1.stats` on every use, so write.js does the same.
const { BaseMmStats, field } = require('../../../packages/writer');
const { scratchDirectory } = require('../lib/harness');

class AppStats extends BaseMmStats {
  static fields = {
    c0: field.counter(),
    c1: field.counter(),
    c2: field.counter(),
    c3: field.counter(),
    d0: field.double(),
    d1: field.double(),
    d2: field.double(),
    d3: field.double(),
    requests: field.counter({ labels: ['route', 'status'] }),
    latency: field.double({ labels: ['route'] }),
  };
}

exports.AppStats = AppStats;
exports.stats = new AppStats({ path: scratchDirectory('write'), filename: 'app.mmstats' });
