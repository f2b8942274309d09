// Standard (TC39) decorators for stats classes. Node 20 has no Symbol.metadata, so it is defined
// here, before any user class is evaluated (they import `field` from this package): TypeScript's
// decorator output then gives every decorated class a metadata object that inherits its parent's.
import { SchemaError } from './errors';
import type { FieldDefinition, FieldSpec } from './schema';

(Symbol as { metadata: symbol }).metadata ??= Symbol.for('Symbol.metadata');

const DECORATED = Symbol('mmstats.decoratedFields');

/** A field declared on a class, by property name. */
export interface DeclaredField {
  readonly key: string;
  readonly spec: FieldSpec;
}

/** Fields declared with decorators on `cls` itself (not inherited), in declaration order. */
export function decoratedFields(cls: Function): readonly DeclaredField[] {
  const metadataKey = Symbol.metadata as symbol;
  if (!Object.hasOwn(cls, metadataKey)) return [];
  const metadata = (cls as unknown as Record<symbol, Record<symbol, unknown> | undefined>)[metadataKey];
  if (!metadata || !Object.hasOwn(metadata, DECORATED)) return [];
  return metadata[DECORATED] as DeclaredField[];
}

/** Per-instance field objects, keyed by property name; set by the stats object's constructor. */
export const FIELDS = Symbol('mmstats.fields');

type WithFields = { [FIELDS]?: Record<string, { get?(): unknown; set?(value: unknown): void }> };

function fieldsOf(instance: WithFields, key: string) {
  const fields = instance[FIELDS];
  if (fields === undefined) throw new SchemaError(`${key} is an mmstats field, but this object is not a stats object (extend BaseMmStats or MmStats)`);
  return fields;
}

/**
 * The accessor a field gets on its class's prototype, for both declaration styles. Value fields
 * read and write through their cell; object fields return their object; neither keeps state here.
 */
export function accessorFor(key: string, spec: FieldSpec): { get(this: object): unknown; set(this: object, value: unknown): void } {
  if (spec.access === 'value') {
    return {
      get(this: WithFields) {
        return fieldsOf(this, key)[key].get!();
      },
      set(this: WithFields, value: unknown) {
        fieldsOf(this, key)[key].set!(value);
      },
    };
  }
  const why =
    spec.access === 'static'
      ? `${key} is a static field: its value is fixed when the stats object is created`
      : `${key} is a ${spec.kind} field: use its methods (for a counter, ${key}.inc() or ${key}.value = n)`;
  return {
    get(this: WithFields) {
      const fields = fieldsOf(this, key);
      return spec.access === 'static' ? fields[key].get!() : fields[key];
    },
    set() {
      throw new TypeError(why);
    },
  };
}

/** Attaches the decorator behaviour to a spec: the function `field.*()` returns. */
export function defineField<V>(spec: FieldSpec): FieldDefinition<V> {
  function decorate(_target: unknown, context: ClassAccessorDecoratorContext) {
    if (context?.kind !== 'accessor') {
      throw new SchemaError(
        `@field.${spec.kind}() decorates an auto-accessor: write "@field.${spec.kind}() accessor ${String(context?.name ?? 'name')}"`,
      );
    }
    if (context.static || context.private || typeof context.name !== 'string') {
      throw new SchemaError(`@field.${spec.kind}(): ${String(context.name)} must be a public, non-static accessor with a string name`);
    }
    const metadata = context.metadata as Record<symbol, unknown> | undefined;
    if (!metadata) {
      throw new SchemaError('decorator metadata is unavailable: compile with TypeScript 5.2 or later (standard decorators), importing @mmstats/writer first');
    }
    if (!Object.hasOwn(metadata, DECORATED)) metadata[DECORATED] = [];
    (metadata[DECORATED] as DeclaredField[]).push({ key: context.name, spec });
    const accessor = accessorFor(context.name, spec);
    const key = context.name;
    return {
      get: accessor.get,
      set: accessor.set,
      init(this: WithFields, initial: unknown) {
        // `accessor load = 0.5` sets the field once the stats object exists.
        if (initial !== undefined) {
          if (spec.access !== 'value') throw new SchemaError(`${key}: a ${spec.kind} field cannot have an initializer`);
          accessor.set.call(this, initial);
        }
        return initial;
      },
    };
  }
  return Object.assign(decorate, { spec }) as unknown as FieldDefinition<V>;
}
