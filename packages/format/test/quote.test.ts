import { safeJsonString } from '@mmstats/format';

describe('safeJsonString', () => {
  it('is JSON.stringify for ordinary text', () => {
    for (const text of ['', 'web.stats.status.2XX', 'naïve ✓ "quoted" \\ back', 'tab\there\n']) {
      expect(safeJsonString(text)).toBe(JSON.stringify(text));
    }
  });

  it('also escapes DEL, C1 controls, line separators and bidirectional controls, keeping the value', () => {
    const text = 'a\u007fb\u009bc\u2028d\u202ee\u2066f';
    const literal = safeJsonString(text);
    expect(literal).toBe('"a\\u007fb\\u009bc\\u2028d\\u202ee\\u2066f"');
    expect(JSON.parse(literal)).toBe(text);
  });
});
