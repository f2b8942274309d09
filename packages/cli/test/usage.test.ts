import { closest, editDistance, missingArguments, needsValue, takesNoValue, unexpectedArgument, unknownCommand, unknownOptions } from '../src/usage';

describe('editDistance', () => {
  test.each([
    ['slurp', 'slurp', 0],
    ['slurpp', 'slurp', 1],
    ['slrup', 'slurp', 1],
    ['pol', 'poll', 1],
    ['web', 'clean', 4],
  ])('%s to %s is %d', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });
});

describe('closest', () => {
  const commands = ['slurp', 'poll', 'clean', 'web'];
  test.each([
    ['slurpp', 'slurp'],
    ['SLURP', 'slurp'],
    ['wbe', 'web'],
    ['clen', 'clean'],
    ['xyz', undefined],
    ['s', undefined],
    ['dump', undefined],
  ])('%s → %s', (word, expected) => {
    expect(closest(word, commands)).toBe(expected);
  });
});

describe('messages', () => {
  const poll = { name: 'poll', positionals: [{ name: 'fields', required: true, describe: '' }, { name: 'files', variadic: true, describe: '' }] };
  test('an unknown command: the closest one, else the list', () => {
    expect(unknownCommand('pol', ['slurp', 'poll'])).toBe("unknown command 'pol'; did you mean 'poll'?");
    expect(unknownCommand('dump', ['slurp', 'poll'])).toBe("unknown command 'dump'; the commands are slurp, poll");
  });
  test('unknown options, as typed', () => {
    expect(unknownOptions(['--bogus'])).toBe('unknown option --bogus');
    expect(unknownOptions(['-x', '--foo-bar'])).toBe('unknown options -x, --foo-bar');
  });
  test('positionals: what is missing or extra, with the usage line', () => {
    expect(missingArguments(poll)).toBe('missing <fields>: mmstats poll <fields> [files..]');
    expect(unexpectedArgument('extra', { name: 'web', positionals: [] })).toBe("unexpected argument 'extra': mmstats web");
  });
  test('option values', () => {
    expect(needsValue('-p')).toBe('-p needs a value');
    expect(takesNoValue('--json')).toBe('--json takes no value');
  });
});
