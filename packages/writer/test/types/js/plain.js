// @ts-check
// Compiled by types.test.ts with tsc --checkJs: a plain-JavaScript stats class made with
// defineStats has typed properties, so the lines marked @ts-expect-error must be rejected.
const { BaseMmStats, defineStats, field } = require('@mmstats/writer');

const Jobs = defineStats({
  done: field.counter(),
  load: field.double(),
  last: field.string({ size: 16 }),
  took: field.timer(),
  build: field.staticText({ value: 'v1' }),
});

const jobs = new Jobs({ labelPrefix: 'jobs.', path: '/tmp' });
jobs.done.inc();
jobs.load = 2.5;
jobs.last = 'ok';
jobs.took.time(() => 1);
/** @type {number} */
const pid = jobs.pid;
/** @type {string} */
const build = jobs.build;
void [pid, build];

// @ts-expect-error a double takes numbers only
jobs.load = 'fast';
// @ts-expect-error a counter is not assignable
jobs.done = 5;
// @ts-expect-error a static field is read-only
jobs.build = 'v2';
// @ts-expect-error no such field
jobs.hits.inc();

const Bare = defineStats({ hits: field.counter() }, { base: BaseMmStats, name: 'Bare' });
const bare = new Bare();
bare.hits.inc(2);
// @ts-expect-error BaseMmStats has no process fields
void bare.pid;

/** Extending the result adds methods. */
class Server extends defineStats({ requests: field.counter() }) {
  hit() {
    this.requests.inc();
  }
}
new Server().hit();
