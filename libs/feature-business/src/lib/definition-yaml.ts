import { parse } from 'yaml';
import { validateMessage } from '@gmp/contracts';

/** Parses a YAML document (aliases allowed, bounded) and checks it against a definition class; throws with every field error. */
export function definitionFromYaml<T extends object>(cls: new () => T, text: string, where: string): T {
  let value: unknown;
  try {
    value = parse(text, { maxAliasCount: 200, uniqueKeys: true });
  } catch (err) {
    throw new Error(`${where}: 不是有效的 YAML (not valid YAML): ${(err as Error).message.split('\n')[0]}`);
  }
  return checkedDefinition(cls, value, where);
}

/** A parsed definition checked against its class (unknown fields refused); throws with every field error, prefixed with where it came from. */
export function checkedDefinition<T extends object>(cls: new () => T, value: unknown, where: string): T {
  const checked = validateMessage(cls, value, { forbidUnknown: true });
  if (!checked.ok) throw new Error(`${where}: ${checked.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  return checked.value;
}
