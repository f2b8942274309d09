// Proof that the write path allocates nothing: with a 1 MB young generation, 10^7 writes of each
// field type after warm-up cause no garbage collection (--trace-gc) and the heap does not grow.
import { collectionsBetweenMarkers } from './run-writer';

jest.setTimeout(60_000);

// process.memoryUsage() and the marker line allocate a little; a write that allocated even 8 bytes
// would add 80 MB over 10^7 writes (and collections long before that). The writer optimises its
// loops before the markers, so no late compilation lands between them.
const HEAP_GROWTH_LIMIT = 256 * 1024;

function expectNoAllocationPerWrite({ collections, heapGrowth }: { collections: string[]; heapGrowth: number }): void {
  expect(collections).toEqual([]);
  expect(heapGrowth).toBeLessThan(HEAP_GROWTH_LIMIT);
}

test('10^7 writes of every numeric field type allocate nothing: no garbage collection, no heap growth', () => {
  expectNoAllocationPerWrite(collectionsBetweenMarkers('numbers', 1e7));
});

test('10^7 string writes allocate nothing', () => {
  expectNoAllocationPerWrite(collectionsBetweenMarkers('string', 1e7));
});

test('10^7 writes to labelled series seen before, kept or looked up with labels({…}), allocate nothing', () => {
  expectNoAllocationPerWrite(collectionsBetweenMarkers('labels', 1e7));
});

test('10^7 observe() calls on every kind of histogram allocate nothing', () => {
  expectNoAllocationPerWrite(collectionsBetweenMarkers('histograms', 1e7));
});

test('timer.time(fn) allocates no more than its two clock reads', () => {
  // performance.now() allocates a heap number in Node itself; everything else the timer does is
  // allocation-free, so it collects no more often than the bare clock reads.
  const timer = collectionsBetweenMarkers('timer', 1e6).collections.length;
  const clock = collectionsBetweenMarkers('clock', 1e6).collections.length;
  expect(clock).toBeGreaterThan(0);
  // Two runs collect within one or two of each other on a busy machine; an allocation in the
  // timer's own code (16 bytes a call or more) would add at least 16 collections of its 1 MB
  // young generation over 10^6 calls.
  expect(timer).toBeLessThanOrEqual(clock + 2);
});

test('the proof fails when writes allocate (a small object every 100 writes)', () => {
  const { collections, heapGrowth } = collectionsBetweenMarkers('numbers+alloc', 1e7);
  expect(collections.length > 0 || heapGrowth >= HEAP_GROWTH_LIMIT).toBe(true);
});
