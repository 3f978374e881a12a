import type { ReplyError } from '../../../electron/common/channels';

/**
 * A use case names its fields as the channel does (`brokenSeal is required`); a person reads the
 * label they see (`Seal broken is required`). Rewrites the field's name into its label.
 */
export function inWords(error: ReplyError, labels: Readonly<Record<string, string>>): string {
  const field = error.field;
  const label = field ? labels[field] : undefined;
  if (!field || !label) return error.message;
  const rewritten = error.message.replace(new RegExp(`\\b${field}\\b`, 'g'), label.toLowerCase());
  return rewritten.charAt(0).toUpperCase() + rewritten.slice(1);
}
