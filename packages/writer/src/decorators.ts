// Decorators for stats classes, in both dialects TypeScript compiles: standard (TC39) decorators,
// and the legacy ones of `experimentalDecorators: true` (NestJS, TypeORM and many older projects).
// One function serves both: the arguments tell at run time which dialect called it.
// Node 20 has no Symbol.metadata, so it is defined here, before any user class is evaluated (they
// import `field` from this package): TypeScript's standard decorator output then gives every
// decorated class a metadata object that inherits its parent's.
import { placeholderAccessor } from './accessors';
import { SchemaError } from './errors';
import type { FieldAccess, FieldDefinition, FieldSpec } from './schema';

(Symbol as { metadata: symbol }).metadata ??= Symbol.for('Symbol.metadata');

const DECORATED = Symbol('mmstats.decoratedFields');

/** A field declared on a class, by property name. */
export interface DeclaredField {
  readonly key: string;
  readonly spec: FieldSpec;
}

// Legacy decorators get no metadata object: their fields are kept by class.
const legacyFields = new WeakMap<Function, DeclaredField[]>();

/** Fields declared with decorators on `cls` itself (not inherited), in declaration order. */
export function decoratedFields(cls: Function): readonly DeclaredField[] {
  const legacy = legacyFields.get(cls) ?? [];
  const metadataKey = Symbol.metadata as symbol;
  if (!Object.hasOwn(cls, metadataKey)) return legacy;
  const metadata = (cls as unknown as Record<symbol, Record<symbol, unknown> | undefined>)[metadataKey];
  if (!metadata || !Object.hasOwn(metadata, DECORATED)) return legacy;
  return [...(metadata[DECORATED] as DeclaredField[]), ...legacy];
}

function usage(spec: FieldSpec, name: unknown): string {
  return `write "@field.${spec.kind}() accessor ${typeof name === 'string' ? name : 'name'}"`;
}

/**
 * An `experimentalDecorators` call: `(prototype, key, descriptor)`. An auto-accessor comes with the
 * descriptor of its getter and setter; a plain property comes without one, and is refused: its
 * class field would shadow the accessor on every instance.
 */
function decorateLegacy(spec: FieldSpec, target: unknown, key: unknown, descriptor: PropertyDescriptor | undefined): PropertyDescriptor {
  if (typeof target === 'function' || target === null || typeof target !== 'object' || typeof key !== 'string') {
    throw new SchemaError(`@field.${spec.kind}(): ${String(key)} must be a public, non-static accessor with a string name`);
  }
  if (!descriptor || typeof descriptor.get !== 'function') {
    throw new SchemaError(`@field.${spec.kind}() decorates an auto-accessor, not a property: ${usage(spec, key)}`);
  }
  const cls = (target as { constructor: Function }).constructor;
  let fields = legacyFields.get(cls);
  if (!fields) legacyFields.set(cls, (fields = []));
  fields.push({ key, spec });
  const { get, set } = placeholderAccessor(key);
  return { get, set, enumerable: false, configurable: true };
}

/**
 * Attaches the decorator behaviour to a spec: the function `field.*()` returns. The decorator
 * records the field in the class's metadata; the stats class installs the real accessor when its
 * first instance is created (accessors.ts), once each field's position in the file is known.
 */
export function defineField<V, A extends FieldAccess>(spec: FieldSpec<A>): FieldDefinition<V, A> {
  function decorate(target: unknown, context: ClassAccessorDecoratorContext | string | symbol, descriptor?: PropertyDescriptor) {
    if (typeof context !== 'object' || context === null) return decorateLegacy(spec, target, context, descriptor);
    if (context.kind !== 'accessor') {
      throw new SchemaError(`@field.${spec.kind}() decorates an auto-accessor: ${usage(spec, context.name)}`);
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
    const key = context.name;
    const placeholder = placeholderAccessor(key);
    return {
      get: placeholder.get,
      set: placeholder.set,
      init(this: object, initial: unknown) {
        // `accessor load = 0.5` sets the field once the stats object exists (its accessor is installed by then).
        if (initial !== undefined) {
          if (spec.access !== 'value') throw new SchemaError(`${key}: a ${spec.kind} field cannot have an initializer`);
          (this as Record<string, unknown>)[key] = initial;
        }
        return initial;
      },
    };
  }
  return Object.assign(decorate, { spec }) as unknown as FieldDefinition<V, A>;
}
