import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaseMmStats, MmStats, defineStats, field, MapError, MmstatsError, SchemaError, type Counter, type FieldDefinition } from '@mmstats/writer';
import { readStats, tempDir, valuesOf } from './util';

const dir = tempDir();
let n = 0;
const options = () => ({ path: dir, filename: `model-${++n}.mmstats` });

// Typed as any schema, so that subclasses may declare static fields of their own.
class One extends BaseMmStats {
  static override fields: Readonly<Record<string, FieldDefinition<any>>> = { hits: field.counter() };
  declare readonly hits: Counter;
}
type Any = Record<string, any>;

describe('labels', () => {
  test('default to the property name, or the label option', () => {
    class Labelled extends BaseMmStats {
      @field.counter({ label: 'status.2XX' }) accessor ok!: Counter;
      @field.counter() accessor errors!: Counter;
    }
    const s = new Labelled(options());
    s.ok.inc();
    expect(valuesOf(s.filename)).toEqual({ 'status.2XX': 1, errors: 0 });
  });

  test('labelPrefix is prepended to every label, inherited ones included', () => {
    class Child extends One {
      static override fields = { misses: field.counter() };
    }
    const s = new Child({ ...options(), labelPrefix: 'web.' });
    expect(readStats(s.filename).map((r) => r.label)).toEqual(['web.hits', 'web.misses']);
  });

  test('inherited fields come first, then each class in declaration order, both styles mixed', () => {
    class Mid extends One {
      @field.double() accessor b!: number;
      @field.double() accessor a!: number;
    }
    class Leaf extends Mid {
      static override fields = { z: field.bool(), y: field.bool() };
    }
    expect(readStats(new Leaf(options()).filename).map((r) => r.label)).toEqual(['hits', 'b', 'a', 'z', 'y']);
  });

  test('a label of any length up to 65,535 bytes works, a longer prefixed one is a SchemaError', () => {
    const long = 'x'.repeat(300);
    class Long extends BaseMmStats {
      static override fields = { v: field.double({ label: long }) };
    }
    expect(readStats(new Long(options()).filename)[0].label).toBe(long);
    class Huge extends BaseMmStats {
      static override fields = { v: field.double({ label: 'é'.repeat(30000) }) };
    }
    expect(() => new Huge({ ...options(), labelPrefix: 'p'.repeat(6000) })).toThrow(SchemaError);
  });
});

describe('accessors', () => {
  test('every field of a three-level hierarchy, both styles mixed, writes its own record', () => {
    class Mid extends One {
      @field.double() accessor ratio!: number;
      @field.counter() accessor misses!: Counter;
      static override fields: typeof One.fields = { name: field.string({ size: 8 }) };
    }
    class Leaf extends Mid {
      static override fields = { up: field.bool(), level: field.int() };
      @field.uint() accessor size!: number;
    }
    const leaf = new Leaf(options()) as Leaf & Any;
    const mid = new Mid(options()) as Mid & Any;
    leaf.hits.inc(1);
    leaf.ratio = 0.25;
    leaf.misses.inc(2);
    leaf.name = 'leaf';
    leaf.up = true;
    leaf.level = -3;
    leaf.size = 7;
    mid.hits.inc(10);
    mid.ratio = 0.5;
    mid.name = 'mid';
    expect(valuesOf(leaf.filename)).toEqual({ hits: 1, ratio: 0.25, misses: 2, name: 'leaf', size: 7, up: true, level: -3 });
    expect(valuesOf(mid.filename)).toEqual({ hits: 10, ratio: 0.5, misses: 0, name: 'mid' });
    expect([leaf.ratio, leaf.name, leaf.up, leaf.level, leaf.size, mid.ratio]).toEqual([0.25, 'leaf', true, -3, 7, 0.5]);
  });

  test('a field read on an object that is not a stats object is a SchemaError saying so', () => {
    class Decorated extends BaseMmStats {
      @field.double() accessor load!: number;
    }
    new Decorated(options()); // installs the accessors
    const notStats = Object.create(Decorated.prototype) as Decorated;
    expect(() => notStats.load).toThrow(SchemaError);
    expect(() => notStats.load).toThrow(/load is an mmstats field, but this object is not a stats object/);
    expect(() => (One.prototype as Any).hits).toThrow(/not a stats object/);
  });

  test('decorated accessors stay non-enumerable, static fields ones are enumerable', () => {
    class Both extends BaseMmStats {
      @field.double() accessor load!: number;
      static override fields = { hits: field.counter() };
    }
    new Both(options());
    expect(Object.getOwnPropertyDescriptor(Both.prototype, 'load')?.enumerable).toBe(false);
    expect(Object.getOwnPropertyDescriptor(Both.prototype, 'hits')?.enumerable).toBe(true);
  });

  test('without code generation from strings (node --disallow-code-generation-from-strings) fields still work', () => {
    const out = join(dir, 'no-codegen.mmstats');
    const program = `
      const { BaseMmStats, field } = require('@mmstats/writer');
      class S extends BaseMmStats { static fields = { load: field.double(), hits: field.counter(), up: field.bool() }; }
      const s = new S({ filename: ${JSON.stringify(out)} });
      s.load = 1.5; s.load = 2.5; s.hits.inc(); s.hits.inc(4); s.up = true;
      try { new Function('return 1'); console.log('code generation allowed'); } catch { console.log(s.load + ' ' + s.hits.value); }`;
    const run = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '-e', program], {
      cwd: join(__dirname, '../../..'),
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('2.5 5');
    expect(valuesOf(out)).toEqual({ load: 2.5, hits: 5, up: true });
  });
});

describe('declaration errors are SchemaErrors at definition or construction time', () => {
  test.each([
    ['an empty label', () => field.counter({ label: '' }), /non-empty/],
    ['a label over 65,535 bytes', () => field.counter({ label: 'ab'.repeat(40000) }), /65535/],
    ['a lone surrogate in a label', () => field.counter({ label: 'a\uD800' }), /surrogate/],
    ['a string size of 0', () => field.string({ size: 0 }), /size/],
    ['a fractional string size', () => field.string({ size: 2.5 }), /size/],
    ['a string size of 2^31', () => field.string({ size: 2 ** 31 }), /size/],
    ['a moving average of size 0', () => field.movingAverage({ size: 0 }), /size/],
    ['a static without value', () => field.staticText({} as any), /needs a value/],
  ])('%s', (_name, make, message) => {
    expect(make).toThrow(SchemaError);
    expect(make).toThrow(message);
  });

  test('a duplicate label', () => {
    class Dup extends BaseMmStats {
      static override fields = { a: field.counter({ label: 'x' }), b: field.counter({ label: 'x' }) };
    }
    expect(() => new Dup(options())).toThrow(/fields a and b both use the label "x"/);
  });

  test('a field redeclared by a subclass', () => {
    class Again extends One {
      static override fields = { hits: field.counter() };
    }
    expect(() => new Again(options())).toThrow(/field hits is declared twice/);
  });

  test('a field named like a BaseMmStats member', () => {
    class Clash extends BaseMmStats {
      static override fields = { remove: field.counter() };
    }
    expect(() => new Clash(options())).toThrow(/cannot be named remove/);
  });

  test('something other than a field definition in static fields', () => {
    class Wrong extends BaseMmStats {
      static override fields = { a: 5 } as any;
    }
    expect(() => new Wrong(options())).toThrow(/Wrong.fields.a must be a field definition/);
  });

  test('a decorator on something other than an accessor', () => {
    const decorate = field.counter() as any;
    expect(() => decorate(undefined, { kind: 'field', name: 'x', metadata: {} })).toThrow(/auto-accessor/);
  });

  test('experimentalDecorators: a decorator on a plain property or a static accessor', () => {
    // TypeScript's legacy output calls the decorator with (prototype, key, descriptor), the descriptor
    // undefined for a property, and with the constructor for a static member.
    class Target extends BaseMmStats {}
    const decorate = field.counter() as any;
    expect(() => decorate(Target.prototype, 'hits', undefined)).toThrow(SchemaError);
    expect(() => decorate(Target.prototype, 'hits', undefined)).toThrow('@field.counter() decorates an auto-accessor, not a property: write "@field.counter() accessor hits"');
    expect(() => decorate(Target, 'hits', { get() {}, set() {} })).toThrow(/hits must be a public, non-static accessor/);
  });

  test('a static value function that throws names the field', () => {
    class Bad extends BaseMmStats {
      static override fields = {
        v: field.staticUInt({
          value: () => {
            throw new Error('no');
          },
        }),
      };
    }
    expect(() => new Bad(options())).toThrow(/static field "v" threw/);
  });

  test('errors share the MmstatsError base class', () => {
    expect(new SchemaError('x')).toBeInstanceOf(MmstatsError);
    expect(new MapError('/f', 'x')).toBeInstanceOf(MmstatsError);
  });
});

describe('file placement', () => {
  test('the file is one page when the records fit, else whole pages', () => {
    class Big extends BaseMmStats {
      static override fields = { a: field.string({ size: 5000 }) };
    }
    expect(statSync(new One(options()).filename).size).toBe(4096);
    const big = new Big(options());
    expect(big.fileSize).toBe(8192);
    expect(statSync(big.filename).size).toBe(8192);
  });

  test('$MMSTATS_PATH and $MMSTATS_FILES set the defaults; {CMD} {PID} {TID} and %PID% are expanded', () => {
    const envDir = join(dir, 'env');
    mkdirSync(envDir);
    const script = `
      const { BaseMmStats, field } = require('@mmstats/writer');
      class S extends BaseMmStats { static fields = { a: field.counter() }; }
      const one = new S();
      const two = new S({ filename: 'orig-%PID%-%TID%.mmstats' });
      console.log(JSON.stringify([one.filename, two.filename, process.pid]));`;
    const child = spawnSync(process.execPath, ['-e', script], {
      cwd: join(__dirname, '../../..'),
      env: { ...process.env, MMSTATS_PATH: envDir, MMSTATS_FILES: 'app-{CMD}-{PID}-{TID}.mmstats' },
      encoding: 'utf8',
    });
    expect(child.stderr).toBe('');
    const [one, two, pid] = JSON.parse(child.stdout);
    // On the main thread the kernel's thread id is the pid.
    expect(one).toBe(join(envDir, `app-node-${pid}-${pid}.mmstats`));
    expect(two).toBe(join(envDir, `orig-${pid}-${pid}.mmstats`));
    expect(readdirSync(envDir).sort()).toEqual([`app-node-${pid}-${pid}.mmstats`, `orig-${pid}-${pid}.mmstats`]);
  });

  test('{NSID} is eight hex digits from the boot id and the PID namespace, the same for every thread', () => {
    const script = `
      const { BaseMmStats, field } = require('@mmstats/writer');
      class S extends BaseMmStats { static fields = { a: field.counter() }; }
      console.log(new S({ path: ${JSON.stringify(dir)}, filename: 'ns-{NSID}.mmstats' }).filename);`;
    // Runs the script, under a wrapper command such as unshare if given.
    const run = (...wrapper: string[]) => {
      const argv = [...wrapper, process.execPath, '-e', script];
      const child = spawnSync(argv[0], argv.slice(1), { cwd: join(__dirname, '../../..'), encoding: 'utf8' });
      expect(child.stderr).toBe('');
      return child.stdout.trim();
    };
    const here = run();
    expect(here).toMatch(/\/ns-[0-9a-f]{8}\.mmstats$/);
    expect(run()).toBe(here);
    if (process.getuid?.() === 0) expect(run('unshare', '--pid', '--fork', '--mount-proc')).not.toBe(here);
  });

  test('without options the file goes to the OS temp dir as {CMD}-{PID}-{TID}-{NSID}.mmstats', () => {
    const child = spawnSync(
      process.execPath,
      [
        '-e',
        `const { MmStats } = require('@mmstats/writer'); const s = new MmStats(); console.log(s.filename); s.remove();`,
      ],
      { cwd: join(__dirname, '../../..'), env: { ...process.env, MMSTATS_PATH: '', MMSTATS_FILES: '' }, encoding: 'utf8' },
    );
    expect(child.stdout.trim()).toMatch(new RegExp(`^${join(tmpdir(), `node-${child.pid}-${child.pid}-`)}[0-9a-f]{8}\\.mmstats$`));
  });

  test('files are created with mode 0644 by default, or the mode given', () => {
    expect(statSync(new One(options()).filename).mode & 0o777).toBe(0o644);
    expect(statSync(new One({ ...options(), mode: 0o600 }).filename).mode & 0o777).toBe(0o600);
  });

  test('no temporary file is left next to the stats file', () => {
    const local = join(dir, 'clean');
    mkdirSync(local);
    new One({ path: local, filename: 'a.mmstats' });
    expect(readdirSync(local)).toEqual(['a.mmstats']);
  });

  test('a symlink planted at the target path is replaced, never written through', () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    const target = join(dir, 'planted.mmstats');
    symlinkSync(victim, target);
    const s = new One({ path: dir, filename: 'planted.mmstats' });
    s.hits.inc();
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(target).isSymbolicLink()).toBe(false);
    expect(valuesOf(target).hits).toBe(1);
  });

  test('a second stats object on the same path in the same thread is refused', () => {
    const opts = options();
    new One(opts);
    expect(() => new One(opts)).toThrow(/already writes to this file/);
  });

  test('a missing directory is a MapError naming the file, leaving nothing behind', () => {
    const missing = join(dir, 'no', 'such');
    const error = (() => {
      try {
        new One({ path: missing, filename: 'x.mmstats' });
      } catch (e) {
        return e as MapError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(MapError);
    expect(error!.message).toBe(`${join(missing, 'x.mmstats')}: cannot create stats file: directory does not exist (ENOENT)`);
    expect(error!.code).toBe('ENOENT');
  });

  test('a directory where the file should be is a MapError and the temporary file is removed', () => {
    const local = join(dir, 'occupied');
    mkdirSync(join(local, 'x.mmstats'), { recursive: true });
    expect(() => new One({ path: local, filename: 'x.mmstats' })).toThrow(MapError);
    expect(readdirSync(local)).toEqual(['x.mmstats']);
  });

  test('an unwritable directory is a clear MapError (as an unprivileged user)', () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    chmodSync(dir, 0o755);
    // Root may write anywhere: the child loads the package as itself, then drops to "nobody"
    // (loading after the drop would depend on who can read the checkout).
    const asRoot = process.getuid!() === 0;
    const script = `
      const { BaseMmStats, field } = require('@mmstats/writer');
      if (${asRoot}) { process.setgid(65534); process.setuid(65534); }
      class S extends BaseMmStats { static fields = { a: field.counter() }; }
      try { new S({ path: ${JSON.stringify(locked)}, filename: 'x.mmstats' }); console.log('created'); }
      catch (e) { console.log(e.name + ': ' + e.message); }`;
    const child = spawnSync(process.execPath, ['-e', script], { cwd: join(__dirname, '../../..'), encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe(`MapError: ${join(locked, 'x.mmstats')}: cannot create stats file: permission denied (EACCES)`);
    expect(readdirSync(locked)).toEqual([]);
  });
});

describe('flush and remove', () => {
  test('flush() syncs blocking, flush({ async: true }) returns a promise of the same', async () => {
    const s = new One(options()) as One & Any;
    s.hits.inc();
    expect(s.flush()).toBeUndefined();
    const pending = s.flush({ async: true });
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).resolves.toBeUndefined();
    expect(valuesOf(s.filename).hits).toBe(1);
    s.remove();
    await expect(s.flush({ async: true })).resolves.toBeUndefined();
  });

  test('remove() deletes the file, is safe twice, and later writes are harmless', () => {
    const s = new One(options()) as One & Any;
    s.hits.inc(5);
    s.remove();
    expect(existsSync(s.filename)).toBe(false);
    expect(s.isRemoved).toBe(true);
    s.remove();
    s.hits.inc();
    s.flush();
    expect(s.hits.value).toBe(6);
  });

  test('remove() does not delete a newer file that took the same path', () => {
    const opts = options();
    const old = new One(opts);
    unlinkSync(old.filename);
    writeFileSync(old.filename, 'someone else');
    old.remove();
    expect(readFileSync(old.filename, 'utf8')).toBe('someone else');
  });

  test('writes after someone else deleted the file never crash', () => {
    const s = new One(options()) as One & Any;
    unlinkSync(s.filename);
    s.hits.inc();
    s.flush();
    expect(s.hits.value).toBe(1);
    s.remove();
  });

  test('the path can be reused after remove()', () => {
    const opts = options();
    new One(opts).remove();
    const again = new One(opts);
    again.hits.inc(2);
    expect(valuesOf(again.filename).hits).toBe(2);
  });
});

describe('defineStats', () => {
  test('makes a stats class from a field map, extending MmStats unless told otherwise', () => {
    const Jobs = defineStats({ done: field.counter(), last: field.string({ size: 8 }) });
    const jobs = new Jobs(options());
    jobs.done.inc(2);
    jobs.last = 'ok';
    expect(jobs).toBeInstanceOf(MmStats);
    expect(valuesOf(jobs.filename)).toMatchObject({ 'sys.pid': process.pid, done: 2, last: 'ok' });
    expect(Jobs.name).toBe('Stats');

    const Bare = defineStats({ hits: field.counter() }, { base: BaseMmStats, name: 'Bare' });
    const bare = new Bare(options());
    bare.hits.inc();
    expect(bare).not.toBeInstanceOf(MmStats);
    expect(valuesOf(bare.filename)).toEqual({ hits: 1 });
    expect(Bare.name).toBe('Bare');
  });

  test('the class can be extended, and its name shows in schema errors', () => {
    class Server extends defineStats({ requests: field.counter() }, { base: BaseMmStats }) {
      hit(): void {
        this.requests.inc();
      }
    }
    const server = new Server(options());
    server.hit();
    expect(valuesOf(server.filename)).toEqual({ requests: 1 });
    const Clash = defineStats({ a: field.counter({ label: 'x' }), b: field.double({ label: 'x' }) }, { name: 'Clash' });
    expect(() => new Clash(options())).toThrow('Clash: fields a and b both use the label "x"');
    expect(() => defineStats(null as any)).toThrow(SchemaError);
  });
});
