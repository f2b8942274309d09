// Standard (TC39) decorators for stats classes. Node 20 has no Symbol.metadata, so it is defined
// here, before any user class is evaluated (they import `field` from this package): TypeScript's
// decorator output then gives every decorated class a metadata object that inherits its parent's.
import { placeholderAccessor } from './accessors';
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

/**
 * Attaches the decorator behaviour to a spec: the function `field.*()` returns. The decorator
 * records the field in the class's metadata; the stats class installs the real accessor when its
 * first instance is created (accessors.ts), once each field's position in the file is known.
 */
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
  return Object.assign(decorate, { spec }) as unknown as FieldDefinition<V>;
}
