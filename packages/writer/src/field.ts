import { defineField } from './decorators';
import { makeFieldFactories } from './schema';

/**
 * Field declarations. Each call returns a definition that works both as a `static fields` value
 * (`static fields = { hits: field.counter() }`) and as a decorator
 * (`@field.counter({ label: 'status.2XX' }) accessor hits!: Counter`).
 */
export const field = makeFieldFactories(defineField);
