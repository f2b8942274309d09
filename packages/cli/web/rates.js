// The dashboard's rate of a label between two snapshots, apart from the page so that node can
// load it too: in the browser it defines `mmstatsRates`, under node it is a CommonJS module.
'use strict';

(function (define) {
  function toNumber(value) {
    if (typeof value === 'boolean') return value ? 1 : 0;
    return Number(value); // "NaN", "Infinity" and "-Infinity" arrive as strings
  }

  /** A file of a snapshot as one process's file: the same name with another pid is a new file. */
  function fileKey(file) {
    return file.file + '\0' + file.pid;
  }

  /**
   * One step of a label's rate, as `poll` computes it: each file's own growth since the value
   * last known for it, summed, per second since the previous snapshot. A file that went away adds
   * nothing; a new file (absent from the previous snapshot) adds its whole value, as its process
   * started counting at zero. A file that is present but lacks the label for a tick (the server
   * left an unstable value out) keeps its last known value and adds nothing, so its growth counts
   * once the value is back, never its whole value. `known` maps each file to the label's last
   * known value (start with an empty Map); the step returns the map for the next one and the
   * rate, null before two snapshots or when no time passed.
   */
  function rateStep(label, current, previous, known) {
    const next = new Map();
    const present = new Set(previous ? previous.files.map(fileKey) : []);
    let growth = 0;
    for (const file of current.files) {
      const key = fileKey(file);
      const record = file.records.find((r) => r.label === label);
      if (!record) {
        if (known.has(key)) next.set(key, known.get(key));
        continue;
      }
      const value = toNumber(record.value);
      if (known.has(key)) growth += value - known.get(key);
      else if (!present.has(key)) growth += value;
      next.set(key, value);
    }
    const seconds = previous ? current.time - previous.time : NaN;
    return { rate: seconds > 0 ? growth / seconds : null, known: next };
  }

  define({ rateStep, toNumber });
})(function (api) {
  if (typeof module === 'object' && module.exports) module.exports = api;
  else self.mmstatsRates = api;
});
