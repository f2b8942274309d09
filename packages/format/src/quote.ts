// JSON.stringify escapes C0 controls; DEL, C1 controls, line separators and bidirectional
// controls it leaves raw, and a terminal showing the text would act on some of them.
const RAW_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` as a JSON string literal, like `JSON.stringify(text)`, with DEL, C1 controls, line
 * separators and bidirectional controls written as `\uNNNN` too: the same value for any JSON
 * parser, and nothing a terminal acts on. For labels and strings that come from other processes.
 */
export function safeJsonString(text: string): string {
  const literal = JSON.stringify(text);
  RAW_IN_JSON.lastIndex = 0;
  if (!RAW_IN_JSON.test(literal)) return literal;
  return literal.replace(RAW_IN_JSON, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
