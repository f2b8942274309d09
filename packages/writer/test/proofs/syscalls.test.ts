// Proof that the write path makes no system call: the writer's main thread makes the same calls
// for 10^4 and for 10^7 writes of each field type, so none of them comes from a write.
import { haveStrace, syscallsBetweenMarkers } from './run-writer';

const available = haveStrace();
if (!available && process.env.CI) throw new Error('strace is required in CI for the no-syscall proof (.ci/run installs it)');
if (!available) console.warn('strace is not installed: skipping the no-syscall proof of the write path');
const proof = available ? test : test.skip;

jest.setTimeout(60_000);

const asObject = (counts: Map<string, number>) => Object.fromEntries(counts);

proof('10^7 writes of every numeric field type make the same system calls as 10^4', () => {
  expect(asObject(syscallsBetweenMarkers('numbers', 1e7))).toEqual(asObject(syscallsBetweenMarkers('numbers', 1e4)));
});

proof('10^7 string writes make the same system calls as 10^4', () => {
  expect(asObject(syscallsBetweenMarkers('string', 1e7))).toEqual(asObject(syscallsBetweenMarkers('string', 1e4)));
});

proof('10^7 writes to labelled series seen before make the same system calls as 10^4', () => {
  expect(asObject(syscallsBetweenMarkers('labels', 1e7))).toEqual(asObject(syscallsBetweenMarkers('labels', 1e4)));
});

proof('10^7 observe() calls on every kind of histogram make the same system calls as 10^4', () => {
  expect(asObject(syscallsBetweenMarkers('histograms', 1e7))).toEqual(asObject(syscallsBetweenMarkers('histograms', 1e4)));
});

proof('timer.time(fn) makes no system call beyond those of its two clock reads', () => {
  // Node's performance.now() returns a fresh heap number, so 10^7 timings collect garbage, and the
  // collector makes system calls (mmap, munmap, madvise, mprotect, getpid); the same clock reads
  // without mmstats make the same calls, give or take one. A system call in a timer write would
  // add 10^7 of them.
  const timer = syscallsBetweenMarkers('timer', 1e7);
  const clock = syscallsBetweenMarkers('clock', 1e7);
  for (const [name, count] of timer) {
    expect({ name, count: Math.min(count, (clock.get(name) ?? 0) + 2) }).toEqual({ name, count });
  }
});

proof('the proof fails when writes make system calls (one per 100 writes)', () => {
  const few = syscallsBetweenMarkers('numbers+syscall', 1e4);
  const more = syscallsBetweenMarkers('numbers+syscall', 1e5);
  expect(asObject(more)).not.toEqual(asObject(few));
});
