/** A validation message in Chinese and English. */
export interface LocalisedMessage {
  readonly zh: string;
  readonly en: string;
}

/** `校验码错误 (wrong check character)`: the Chinese text followed by the English in brackets. */
export function formatBilingual(message: LocalisedMessage): string {
  return `${message.zh} (${message.en})`;
}
