// Labels come from other processes and may be up to 64 KiB long: messages name them quoted and
// shortened, and name only the first few, so one bad file cannot flood a terminal or a log.

/** Longest label shown whole in a message; longer ones are cut and end with `…`. */
export const MESSAGE_LABEL_LENGTH = 60;

/** Most labels a message names before it says `and N more`. */
export const MESSAGE_LABEL_COUNT = 5;

/** `label` as a JSON string literal, cut to `MESSAGE_LABEL_LENGTH` characters. */
export function quoteLabel(label: string): string {
  return JSON.stringify(label.length > MESSAGE_LABEL_LENGTH ? label.slice(0, MESSAGE_LABEL_LENGTH) + '…' : label);
}

/** The first `MESSAGE_LABEL_COUNT` labels quoted, comma-separated, then `and N more` if there are others. */
export function quoteLabels(labels: readonly string[]): string {
  const names = labels.slice(0, MESSAGE_LABEL_COUNT).map(quoteLabel).join(', ');
  return labels.length > MESSAGE_LABEL_COUNT ? `${names} and ${labels.length - MESSAGE_LABEL_COUNT} more` : names;
}
