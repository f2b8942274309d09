// A typed stats class without a class declaration: plain JavaScript gets the same checked
// properties (`// @ts-check`, editors) that TypeScript users get from decorators, because the
// instance type is inferred from the field map itself.
import { MmStats, type BaseMmStats, type MmStatsOptions } from './model';
import type { FieldAccess, FieldDefinition } from './schema';
import { SchemaError } from './errors';

/** A map of fields as `static fields` and `defineStats` take it. */
export type FieldMap = Readonly<Record<string, FieldDefinition<any>>>;

type ValueOf<D> = D extends FieldDefinition<infer V, FieldAccess> ? V : never;
type KeysWith<F extends FieldMap, A extends FieldAccess> = { [K in keyof F]: F[K] extends FieldDefinition<any, A> ? K : never }[keyof F];

/**
 * The properties the fields of `F` give a stats object: value fields (`double`, `string`, …) can
 * be assigned; counters, averages, timers and static fields are read-only properties.
 */
export type FieldProperties<F extends FieldMap> = { -readonly [K in KeysWith<F, 'value'>]: ValueOf<F[K]> } & {
  readonly [K in Exclude<keyof F, KeysWith<F, 'value'>>]: ValueOf<F[K]>;
};

/** A stats class made by `defineStats`: `new Cls(options)` creates the file. */
export type StatsClass<F extends FieldMap, I extends BaseMmStats> = {
  new (options?: MmStatsOptions): I & FieldProperties<F>;
  readonly fields: F;
};

/** Options of `defineStats`. */
export interface DefineStatsOptions<B> {
  /** The class to extend: `MmStats` (process fields) or `BaseMmStats` (none), or a subclass. Defaults to `MmStats`. */
  readonly base?: B;
  /** The class's name, shown in error messages. Defaults to `Stats`. */
  readonly name?: string;
}

/**
 * Makes a stats class from a map of fields, typed from the map: in JavaScript with `// @ts-check`,
 * `new Jobs().done.inc()` type-checks and `new Jobs().done = 1` does not. The class extends `base`
 * (default `MmStats`), whose fields come first; extend the result to add methods.
 *
 * ```js
 * const Jobs = defineStats({ done: field.counter(), last: field.string({ size: 64 }) });
 * const jobs = new Jobs({ labelPrefix: 'jobs.' });
 * ```
 */
export function defineStats<F extends FieldMap, B extends abstract new (options?: MmStatsOptions) => BaseMmStats = typeof MmStats>(
  fields: F,
  options: DefineStatsOptions<B> = {},
): StatsClass<F, InstanceType<B>> {
  if (fields === null || typeof fields !== 'object') throw new SchemaError(`defineStats() takes an object of field.*() definitions, got ${fields === null ? 'null' : typeof fields}`);
  const base = (options.base ?? MmStats) as unknown as typeof MmStats;
  const Stats = class extends base {
    static override fields = fields;
  };
  Object.defineProperty(Stats, 'name', { value: options.name ?? 'Stats' });
  return Stats as unknown as StatsClass<F, InstanceType<B>>;
}
