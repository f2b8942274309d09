// The mmap binding's JS wrapper removes a private native function the first time it loads, so a
// second load in the same process (test runners give each test file a fresh module registry)
// had a broken sync: flush() threw "raw_sync_fn_ is not a function" in later test files.
import { tempDir, valuesOf } from '../util';

const dir = tempDir();

test('flush() works when the package is loaded twice in one process', () => {
  for (const name of ['first', 'second']) {
    jest.isolateModules(() => {
      const { BaseMmStats, field } = require('@mmstats/writer') as typeof import('@mmstats/writer');
      class S extends BaseMmStats {
        static override fields = { hits: field.counter() };
        declare readonly hits: import('@mmstats/writer').Counter;
      }
      const s = new S({ path: dir, filename: `${name}.mmstats` });
      s.hits.inc();
      expect(() => s.flush()).not.toThrow();
      expect(valuesOf(s.filename).hits).toBe(1);
      s.remove();
    });
  }
});
