// The property accessors of stats classes (`stats.load = 2.5`, `stats.hits.inc()`), the hot path of
// every write. V8 keeps type feedback per compiled function, not per closure: accessors made by one
// closure factory would share a single call site for every field of every class, which turns
// megamorphic (a hash lookup per write and no inlining) as soon as a program has a few field types.
// So each field gets accessors compiled from their own source text, with the slot index written in
// as a constant: each one sees one cell class at one index and stays monomorphic.
import { SchemaError } from './errors';
import type { FieldSpec } from './schema';

/** Per-instance field objects, in schema order; set by the stats object's constructor. */
export const FIELDS = Symbol('mmstats.fields');

/** A field object as the accessors see it: value fields read and write through `get`/`set`. */
interface FieldObject {
  get?(): unknown;
  set?(value: unknown): void;
}

type WithFields = { [FIELDS]?: readonly FieldObject[] };

/** A getter/setter pair for a class prototype. */
export interface Accessor {
  get(this: object): unknown;
  set(this: object, value: unknown): void;
}

function notAStatsObject(key: string): never {
  throw new SchemaError(`${key} is an mmstats field, but this object is not a stats object (extend BaseMmStats or MmStats)`);
}

function rejectAssignment(key: string, spec: FieldSpec): TypeError {
  return new TypeError(
    spec.access === 'static'
      ? `${key} is a static field: its value is fixed when the stats object is created`
      : `${key} is a ${spec.kind} field: use its methods (for a counter, ${key}.inc() or ${key}.value = n)`,
  );
}

// V8 reuses compiled code (and with it the feedback) for identical source text: a serial number
// in a comment makes each accessor's source unique.
let serial = 0;
let codeGenerationAllowed = true;

function compiled(body: string, key: string, spec: FieldSpec): Accessor | undefined {
  if (!codeGenerationAllowed) return undefined;
  serial += 1;
  try {
    const make = new Function('FIELDS', 'notAStatsObject', 'rejectAssignment', 'key', 'spec', `'use strict';\n// mmstats accessor ${serial}\n${body}`);
    return make(FIELDS, notAStatsObject, rejectAssignment, key, spec) as Accessor;
  } catch (error) {
    // `node --disallow-code-generation-from-strings`: fall back to shared closures (slower, same behaviour).
    if (error instanceof EvalError) {
      codeGenerationAllowed = false;
      return undefined;
    }
    throw error;
  }
}

function valueAccessor(key: string, spec: FieldSpec, index: number): Accessor {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`bad field index ${index}`);
  return (
    compiled(
      `return {
        get() { const fields = this[FIELDS]; if (fields === undefined) notAStatsObject(key); return fields[${index}].get(); },
        set(value) { const fields = this[FIELDS]; if (fields === undefined) notAStatsObject(key); fields[${index}].set(value); },
      };`,
      key,
      spec,
    ) ?? {
      get(this: WithFields) {
        return (this[FIELDS] ?? notAStatsObject(key))[index].get!();
      },
      set(this: WithFields, value: unknown) {
        (this[FIELDS] ?? notAStatsObject(key))[index].set!(value);
      },
    }
  );
}

function objectAccessor(key: string, spec: FieldSpec, index: number): Accessor {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`bad field index ${index}`);
  return (
    compiled(
      `return {
        get() { const fields = this[FIELDS]; if (fields === undefined) notAStatsObject(key); return fields[${index}]; },
        set() { throw rejectAssignment(key, spec); },
      };`,
      key,
      spec,
    ) ?? {
      get(this: WithFields) {
        return (this[FIELDS] ?? notAStatsObject(key))[index];
      },
      set() {
        throw rejectAssignment(key, spec);
      },
    }
  );
}

function staticAccessor(key: string, spec: FieldSpec, index: number): Accessor {
  return {
    get(this: WithFields) {
      return (this[FIELDS] ?? notAStatsObject(key))[index].get!();
    },
    set() {
      throw rejectAssignment(key, spec);
    },
  };
}

/**
 * The accessor of field `key`, whose object sits at `index` of the instance's `[FIELDS]`: value
 * fields read and write their cell, object fields (counter, average, timer) return their object,
 * static fields read their value; assigning to an object or static field throws a TypeError that
 * says what to do instead.
 */
export function accessorFor(key: string, spec: FieldSpec, index: number): Accessor {
  switch (spec.access) {
    case 'value':
      return valueAccessor(key, spec, index);
    case 'object':
      return objectAccessor(key, spec, index);
    case 'static':
      return staticAccessor(key, spec, index);
  }
}

/** Defines field `key`'s accessor on `prototype`, replacing a decorator's placeholder if there is one. */
export function installAccessor(prototype: object, key: string, spec: FieldSpec, index: number): void {
  const { get, set } = accessorFor(key, spec, index);
  // Decorated accessors are not enumerable (class members never are); `static fields` ones are.
  const enumerable = Object.getOwnPropertyDescriptor(prototype, key)?.enumerable ?? true;
  Object.defineProperty(prototype, key, { get, set, enumerable, configurable: true });
}

/**
 * What a decorator puts on the prototype until the first stats object of the class is created and
 * `installAccessor` replaces it: only reachable on an object that is not a stats object.
 */
export function placeholderAccessor(key: string): Accessor {
  return {
    get() {
      return notAStatsObject(key);
    },
    set() {
      notAStatsObject(key);
    },
  };
}
