// The stats one worker publishes. Plain JavaScript declares fields with a `static fields` map;
// MmStats adds sys.pid, sys.created and the other process fields, which `mmstats clean` needs
// to tell whether the process behind a file is still alive.
const { MmStats, field } = require('@mmstats/writer');

class WebStats extends MmStats {
  static fields = {
    status2XX: field.counter({ label: 'status.2XX' }),
    status3XX: field.counter({ label: 'status.3XX' }),
    status4XX: field.counter({ label: 'status.4XX' }),
    status5XX: field.counter({ label: 'status.5XX' }),
    // Unix time in seconds, so readers can tell how long a worker has been idle.
    lastHit: field.double({ label: 'last_hit' }),
    // Seconds the last request took, from its arrival until its response was sent.
    requestTime: field.timer({ label: 'request_time' }),
    // Mean body size in bytes over every response since the worker started.
    responseSize: field.average({ label: 'response_size' }),
  };

  /** The counter of a response status' class (2XX … 5XX), or undefined for 1XX and odd codes. */
  counterFor(status) {
    switch (Math.floor(status / 100)) {
      case 2:
        return this.status2XX;
      case 3:
        return this.status3XX;
      case 4:
        return this.status4XX;
      case 5:
        return this.status5XX;
      default:
        return undefined;
    }
  }

  /** The values as plain JSON, for the /status route. */
  toJSON() {
    return {
      pid: this.pid,
      file: this.filename,
      status: {
        '2XX': Number(this.status2XX.value),
        '3XX': Number(this.status3XX.value),
        '4XX': Number(this.status4XX.value),
        '5XX': Number(this.status5XX.value),
      },
      last_hit: this.lastHit,
      request_time: this.requestTime.value,
      response_size: this.responseSize.value,
    };
  }
}

module.exports = { WebStats };
