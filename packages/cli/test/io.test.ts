import { memoryIo } from '../src/io';

describe('memoryIo', () => {
  test('captures both streams separately', () => {
    const io = memoryIo({ env: { A: '1' }, cwd: '/somewhere', isTTY: true });
    io.stdout('out 1\n');
    io.stderr('err\n');
    io.stdout('out 2\n');
    expect(io.out).toBe('out 1\nout 2\n');
    expect(io.err).toBe('err\n');
    expect(io.env).toEqual({ A: '1' });
    expect(io.cwd).toBe('/somewhere');
    expect(io.isTTY).toBe(true);
  });

  test('defaults: no environment, not a terminal', () => {
    const io = memoryIo();
    expect(io.env).toEqual({});
    expect(io.isTTY).toBe(false);
  });
});
