// The stats one worker publishes. Plain JavaScript declares fields with a `static fields` map;
// MmStats adds sys.pid, sys.created and the other process fields, which `mmstats clean` needs
// to tell whether the process behind a file is still alive. Each field says what it is (its
// kind, help text and unit travel in the file), so `mmstats poll` and `mmstats web` show
// counters as growth, the timestamp as an age and the timer in milliseconds.
const { MmStats, field } = require('@mmstats/writer');

class WebStats extends MmStats {
  static fields = {
    // One series per route and status class, added the first time a pair is seen.
    requests: field.counter({ labels: ['route', 'status'], help: 'Responses sent, by route and status class' }),
    inFlight: field.uint({ label: 'in_flight', help: 'Requests received and not yet answered', unit: 'requests' }),
    lastHit: field.double({ label: 'last_hit', help: 'When the last request arrived', unit: 'epoch_seconds' }),
    requestTime: field.timer({ label: 'request_time', help: 'How long the last request took, until its response was sent' }),
    responseSize: field.average({ label: 'response_size', help: 'Mean response body size since the worker started', unit: 'bytes' }),
    // Log-scale buckets (at most 4.6 % wide) from 10 µs, where a local request's time begins, to 10 s.
    latency: field.histogram({ labels: ['route'], min: 1e-5, max: 10, unit: 'seconds', help: 'Time from a request to its response being sent, by route' }),
  };

  constructor(options) {
    super(options);
    // Series already used, by route and status: the /status route reports them.
    this.served = new Map();
    // The latency series of each route, looked up once: observing then writes memory only.
    this.latencyOf = new Map();
  }

  /** Observes that a request of `route` took `seconds`. */
  observeLatency(route, seconds) {
    let series = this.latencyOf.get(route);
    if (series === undefined) {
      series = this.latency.labels({ route });
      this.latencyOf.set(route, series);
    }
    series.observe(seconds);
  }

  /** Counts one response of `route` with HTTP status `status`, by its status class (`2xx` …). */
  countResponse(route, status) {
    const statusClass = `${Math.floor(status / 100)}xx`;
    const key = `${route} ${statusClass}`;
    let series = this.served.get(key);
    if (series === undefined) {
      series = { route, status: statusClass, counter: this.requests.labels({ route, status: statusClass }) };
      this.served.set(key, series);
    }
    series.counter.inc();
  }

  /** The values as plain JSON, for the /status route. */
  toJSON() {
    const requests = {};
    for (const { route, status, counter } of this.served.values()) {
      requests[route] ??= {};
      requests[route][status] = Number(counter.value);
    }
    return {
      pid: this.pid,
      file: this.filename,
      requests,
      in_flight: this.inFlight,
      last_hit: this.lastHit,
      request_time: this.requestTime.value,
      response_size: this.responseSize.value,
    };
  }
}

module.exports = { WebStats };
