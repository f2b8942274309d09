import { closest, editDistance, usageMessage } from '../src/usage';

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

describe('usageMessage', () => {
  const context = { argv: [], commands: ['slurp', 'poll'] };
  test('a text that is not one of the parser\'s stays as it is', () => {
    expect(usageMessage('--delay must be a number of seconds above 0', context)).toBe('--delay must be a number of seconds above 0');
  });
  test('a missing required option is named', () => {
    expect(usageMessage('Missing required argument: port', context)).toBe("missing 'port'");
  });
});
