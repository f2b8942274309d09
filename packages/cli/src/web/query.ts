import { AGGREGATIONS, isAggregation, type Aggregation } from './aggregate';
import { BadRequestError } from './errors';
import { checkRequestPattern } from './scope';

/** The query parameters a route accepts, checked: unknown or repeated ones are a 400. */
export class Query {
  private constructor(private readonly params: URLSearchParams) {}

  /**
   * Checks `params` against the names a route accepts. `_` (the cache buster some HTTP clients
   * add) is ignored; any other unknown name, or a name given twice, is a `BadRequestError`.
   */
  static parse(params: URLSearchParams, accepted: readonly string[]): Query {
    const seen = new Set<string>();
    for (const name of params.keys()) {
      if (name === '_') continue;
      if (!accepted.includes(name)) {
        const known = accepted.length === 0 ? 'this route takes no parameters' : `known: ${accepted.join(', ')}`;
        throw new BadRequestError(`unknown parameter ${JSON.stringify(name)} (${known})`);
      }
      if (seen.has(name)) throw new BadRequestError(`parameter ${JSON.stringify(name)} given twice`);
      seen.add(name);
    }
    return new Query(params);
  }

  /** `exact=1|true|yes|0|false|no`; `exact` alone means yes. Absent: false. */
  flag(name: string): boolean {
    const value = this.params.get(name);
    if (value === null) return false;
    const normalized = value.toLowerCase();
    if (['', '1', 'true', 'yes'].includes(normalized)) return true;
    if (['0', 'false', 'no'].includes(normalized)) return false;
    throw new BadRequestError(`${name}: ${JSON.stringify(value)} is not one of 1, true, yes, 0, false, no`);
  }

  /** `aggr=` as an aggregation, or undefined when absent. */
  aggregation(): Aggregation | undefined {
    const value = this.params.get('aggr');
    if (value === null) return undefined;
    if (!isAggregation(value)) throw new BadRequestError(`aggr: ${JSON.stringify(value)} is not one of ${AGGREGATIONS.join(', ')}`);
    return value;
  }

  /** `glob=` checked by `checkRequestPattern`, or undefined when absent. */
  pattern(): string | undefined {
    const value = this.params.get('glob');
    return value === null ? undefined : checkRequestPattern(value);
  }

  /** A parameter that must be one of `choices`, or undefined when absent. */
  choice<T extends string>(name: string, choices: readonly T[]): T | undefined {
    const value = this.params.get(name);
    if (value === null) return undefined;
    if (!(choices as readonly string[]).includes(value)) throw new BadRequestError(`${name}: ${JSON.stringify(value)} is not one of ${choices.join(', ')}`);
    return value as T;
  }
}

