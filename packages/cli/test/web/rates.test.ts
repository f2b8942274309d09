// The dashboard's rate logic (web/rates.js), loaded as the page loads it but in node.
import * as path from 'node:path';

import { PACKAGE_DIR } from '../util';

interface SnapshotFile {
  file: string;
  pid: number | null;
  records: Array<{ label: string; type: string; value: unknown }>;
}
interface Snapshot {
  time: number;
  files: SnapshotFile[];
}
interface Step {
  rate: number | null;
  known: Map<string, number>;
}

const { rateStep } = require(path.join(PACKAGE_DIR, 'web', 'rates.js')) as {
  rateStep: (label: string, current: Snapshot, previous: Snapshot | undefined, known: Map<string, number>) => Step;
};

const file = (name: string, pid: number, value?: number): SnapshotFile => ({
  file: name,
  pid,
  records: value === undefined ? [{ label: 'other', type: 'Q', value: 1 }] : [{ label: 'hits', type: 'Q', value }],
});

/** The rates a chart of `hits` draws over these snapshots (one point per snapshot). */
function rates(snapshots: Snapshot[]): Array<number | null> {
  let known = new Map<string, number>();
  let previous: Snapshot | undefined;
  return snapshots.map((snapshot) => {
    const step = rateStep('hits', snapshot, previous, known);
    known = step.known;
    previous = snapshot;
    return step.rate;
  });
}

describe('dashboard rates', () => {
  test("each file's own growth per second; none before a second snapshot", () => {
    expect(rates([
      { time: 10, files: [file('a', 1, 100), file('b', 2, 5)] },
      { time: 12, files: [file('a', 1, 110), file('b', 2, 15)] },
    ])).toEqual([null, 10]);
  });

  test('a file left out of one snapshot (an unstable value) keeps its last value: no spike when it is back', () => {
    expect(rates([
      { time: 1, files: [file('a', 1, 1000000)] },
      { time: 2, files: [file('a', 1)] },
      { time: 3, files: [file('a', 1, 1000200)] },
    ])).toEqual([null, 0, 200]);
  });

  test('a new file adds its whole value (its process counted from zero); one that went away adds nothing', () => {
    expect(rates([
      { time: 1, files: [file('a', 1, 50)] },
      { time: 2, files: [file('a', 1, 60), file('b', 2, 7)] },
      { time: 3, files: [file('b', 2, 9)] },
      // The same name with a new pid is a new process's file.
      { time: 4, files: [file('b', 3, 4)] },
    ])).toEqual([null, 17, 2, 4]);
  });

  test('no time passed: no rate', () => {
    expect(rates([{ time: 5, files: [file('a', 1, 1)] }, { time: 5, files: [file('a', 1, 2)] }])).toEqual([null, null]);
  });
});
