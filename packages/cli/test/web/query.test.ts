import { UsageError } from '../../src/errors';
import { BadRequestError } from '../../src/web/errors';
import { Query } from '../../src/web/query';
import { checkRequestPattern } from '../../src/web/scope';

const parse = (search: string, accepted: string[]) => Query.parse(new URLSearchParams(search), accepted);

describe('query parameters', () => {
  test('unknown and repeated parameters are refused with a message naming them; `_` is ignored', () => {
    expect(() => parse('aggr=sum&agr=sum', ['aggr'])).toThrow(new BadRequestError('unknown parameter "agr" (known: aggr)'));
    expect(() => parse('aggr=sum&aggr=max', ['aggr'])).toThrow(new BadRequestError('parameter "aggr" given twice'));
    expect(() => parse('x=1', [])).toThrow('this route takes no parameters');
    expect(parse('_=1700000000&aggr=max', ['aggr']).aggregation()).toBe('max');
  });

  test('exact: 1/true/yes or bare is true, 0/false/no false, anything else a 400', () => {
    expect(parse('', ['exact']).flag('exact')).toBe(false);
    for (const yes of ['exact', 'exact=1', 'exact=true', 'exact=YES']) expect(parse(yes, ['exact']).flag('exact')).toBe(true);
    for (const no of ['exact=0', 'exact=false', 'exact=no']) expect(parse(no, ['exact']).flag('exact')).toBe(false);
    expect(() => parse('exact=maybe', ['exact']).flag('exact')).toThrow('exact: "maybe" is not one of 1, true, yes, 0, false, no');
  });

  test('aggr must be one of the known aggregations', () => {
    expect(parse('aggr=nonzero-avg', ['aggr']).aggregation()).toBe('nonzero-avg');
    expect(parse('', ['aggr']).aggregation()).toBeUndefined();
    const error = (() => {
      try {
        parse('aggr=median', ['aggr']).aggregation();
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(BadRequestError);
    // A usage error of the request: the server answers it with a 400 (see server.test.ts).
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe('aggr: "median" is not one of sum, avg, min, max, one, nonzero-min, nonzero-avg');
  });

  test('glob must stay inside the stats directory', () => {
    expect(parse('glob=web-*.mmstats', ['glob']).pattern()).toBe('web-*.mmstats');
    expect(parse('glob=sub/*/x.mmstats', ['glob']).pattern()).toBe('sub/*/x.mmstats');
    expect(() => checkRequestPattern('../*.mmstats')).toThrow('contains ".."');
    expect(() => checkRequestPattern('sub/../../etc/passwd')).toThrow('contains ".."');
    expect(() => checkRequestPattern('/etc/passwd')).toThrow('is absolute');
    expect(() => checkRequestPattern('..\\x')).toThrow('backslash');
    expect(() => checkRequestPattern('')).toThrow('must not be empty');
    // A name that merely starts with two dots is not a parent directory.
    expect(checkRequestPattern('..hidden.mmstats')).toBe('..hidden.mmstats');
  });
});
