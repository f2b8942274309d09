// The property accessors of stats classes (`stats.load = 2.5`, `stats.hits.inc()`), the hot path of
// every write. V8 keeps type feedback per compiled function, not per closure: accessors made by one
// closure factory would share a single call site for every field of every class, which turns
// megamorphic (a hash lookup per write and no inlining) as soon as a program has a few field types.
// So each field gets accessors compiled from their own source text, with the slot index written in
// as a constant: each one sees one cell class at one index and stays monomorphic.
import { SchemaError } from './errors';
import type { FieldSpec } from './schema';

/** Per-instance holder of the field objects (a `FieldHolder`); set by the stats object's constructor. */
export const FIELDS = Symbol('mmstats.fields');

/** A field object as the accessors see it: value fields read and write through `get`/`set`. */
interface FieldObject {
  get?(): unknown;
  set?(value: unknown): void;
}

/**
 * The field objects of one stats object, field `i` as property `f<i>`. Not an array: an element
 * load costs a length load and a bounds check on every write, and V8 records the class of each
 * named property, so with one holder class per stats class the accessor knows which class the
 * field object has and drops its map check too.
 */
export type FieldHolder = Readonly<Record<string, FieldObject>>;

type WithFields = { [FIELDS]?: FieldHolder };

/** Makes a stats object's field holder from its field objects, in schema order. */
export type FieldHolderMaker = (fields: readonly object[]) => FieldHolder;

/** A new holder maker, to be used by one stats class only (see `FieldHolder`). */
export function fieldHolderMaker(count: number): FieldHolderMaker {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`bad field count ${count}`);
  // Named stores in one constructor: V8 sizes the object for all of them and keeps it in fast
  // mode (stores with computed keys would turn it into a dictionary past a dozen properties).
  let stores = '';
  for (let i = 0; i < count; i++) stores += `this.f${i} = fields[${i}];\n`;
  const Holder = compiled(`return function FieldHolder(fields) {\n${stores}};`) as (new (fields: readonly object[]) => FieldHolder) | undefined;
  if (Holder) return (fields) => new Holder(fields);
  return (fields) => {
    const holder: Record<string, object> = {};
    fields.forEach((object, i) => (holder[`f${i}`] = object));
    return holder as FieldHolder;
  };
}

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

function compiled(body: string, key?: string, spec?: FieldSpec): unknown {
  if (!codeGenerationAllowed) return undefined;
  serial += 1;
  try {
    const make = new Function('FIELDS', 'notAStatsObject', 'rejectAssignment', 'key', 'spec', `'use strict';\n// mmstats accessor ${serial}\n${body}`);
    return make(FIELDS, notAStatsObject, rejectAssignment, key, spec);
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
    (compiled(
      `return {
        get() { const fields = this[FIELDS]; if (fields === undefined) notAStatsObject(key); return fields.f${index}.get(); },
        set(value) { const fields = this[FIELDS]; if (fields === undefined) notAStatsObject(key); fields.f${index}.set(value); },
      };`,
      key,
      spec,
    ) as Accessor | undefined) ?? {
      get(this: WithFields) {
        return (this[FIELDS] ?? notAStatsObject(key))[`f${index}`].get!();
      },
      set(this: WithFields, value: unknown) {
        (this[FIELDS] ?? notAStatsObject(key))[`f${index}`].set!(value);
      },
    }
  );
}

function objectAccessor(key: string, spec: FieldSpec, index: number): Accessor {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`bad field index ${index}`);
  return (
    (compiled(
      `return {
        get() { const fields = this[FIELDS]; if (fields === undefined) notAStatsObject(key); return fields.f${index}; },
        set() { throw rejectAssignment(key, spec); },
      };`,
      key,
      spec,
    ) as Accessor | undefined) ?? {
      get(this: WithFields) {
        return (this[FIELDS] ?? notAStatsObject(key))[`f${index}`];
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
      return (this[FIELDS] ?? notAStatsObject(key))[`f${index}`].get!();
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
