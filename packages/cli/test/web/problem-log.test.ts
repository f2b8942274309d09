import { ProblemLog } from '../../src/web/problem-log';

describe('ProblemLog', () => {
  test('a problem is logged once while it lasts, again once it went away and came back', () => {
    const lines: string[] = [];
    const log = new ProblemLog((line) => lines.push(line));
    log.report('a.mmstats', 'a.mmstats: broken (skipped)');
    log.report('a.mmstats', 'a.mmstats: broken (skipped)');
    expect(lines).toEqual(['a.mmstats: broken (skipped)']);
    // Another problem of the same file is news, and replaces the first.
    log.report('a.mmstats', 'a.mmstats: other (skipped)');
    expect(log.size).toBe(1);
    log.resolve('a.mmstats');
    expect(log.size).toBe(0);
    log.report('a.mmstats', 'a.mmstats: other (skipped)');
    expect(lines).toEqual(['a.mmstats: broken (skipped)', 'a.mmstats: other (skipped)', 'a.mmstats: other (skipped)']);
  });

  test('never remembers more than its capacity: the oldest problem is forgotten first', () => {
    const lines: string[] = [];
    const log = new ProblemLog((line) => lines.push(line), 3);
    for (const name of ['a', 'b', 'c', 'd', 'e']) log.report(name, `${name}: broken`);
    expect(log.size).toBe(3);
    log.report('e', 'e: broken');
    log.report('a', 'a: broken');
    expect(lines).toEqual(['a: broken', 'b: broken', 'c: broken', 'd: broken', 'e: broken', 'a: broken']);
    expect(log.size).toBe(3);
  });
});
