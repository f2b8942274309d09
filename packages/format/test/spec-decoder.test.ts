// The default output of the Python reader written from SPEC.md alone: records as before, and the
// metadata of SPEC.md §14 beside them (the conformance test checks its --outcome form).
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';

const SPEC_DECODER = path.join(__dirname, 'spec_decoder.py');
const VECTORS = path.join(__dirname, '..', 'conformance', 'vectors');

describe('spec_decoder.py', () => {
  it('prints records as before, with their meanings and the file metadata beside them', () => {
    const out = JSON.parse(execFileSync('python3', [SPEC_DECODER, path.join(VECTORS, 'appended.mmstats')], { encoding: 'utf8' }));
    const [file] = out.files;
    expect(file.records[2]).toEqual({ label: 'jobs{queue="high"}', type: 'd', buffered: true, write_index: 1, value: 2.5 });
    expect(file.meanings[2]).toEqual({ family: 'jobs', kind: 'gauge', labels: { queue: 'high' } });
    expect(file.meanings[4]).toEqual({ family: null, kind: null, labels: {} });
    expect(file.metadata.families.jobs).toEqual({ kind: 'gauge', unit: 'seconds', labels: ['queue'], aggregate: 'max' });
    expect(file.records).toHaveLength(file.meanings.length);
  });

  it('reports a malformed file on stderr with its reason and offset, and exits 1', () => {
    const file = path.join(VECTORS, 'duplicate-family.mmstats');
    const run = spawnSync('python3', [SPEC_DECODER, file], { encoding: 'utf8' });
    expect([run.status, run.stdout]).toEqual([1, '']);
    expect(run.stderr).toBe(`spec_decoder: ${file}: metadata entry: family "hits" described twice at offset 3981\n`);
  });
});
