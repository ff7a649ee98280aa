import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { validateMessage } from '@gmp/contracts';
import { BundleDefinitionBody } from '../bundles/bundle-definition.dto.js';
import type { BundleDefinition } from '../bundles/bundle-definition.js';
import { MatterDefinitionBody } from '../matters/matter-definition.dto.js';
import type { MatterDefinition } from '../matters/matter-definition.js';

export const DEMO_BUNDLE_FILES = ['newborn.bundle.yaml', 'company-startup.bundle.yaml', 'restaurant.bundle.yaml'] as const;

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

function checkedDefinition<T extends object>(cls: new () => T, value: unknown, where: string): T {
  const checked = validateMessage(cls, value, { forbidUnknown: true });
  if (!checked.ok) throw new Error(`${where}: ${checked.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  return checked.value;
}

/** The demo matter catalogue and bundles (新生儿出生, 企业开办, 开办餐饮店), read from this folder's YAML. */
export function loadDemoCatalogue(): { matters: MatterDefinition[]; bundles: BundleDefinition[] } {
  const read = (file: string) => readFileSync(new URL(file, import.meta.url), 'utf8');
  const doc = parse(read('./matters.yaml'), { maxAliasCount: 200, uniqueKeys: true }) as { matters: unknown[] };
  const matters = doc.matters.map((m, i) => checkedDefinition(MatterDefinitionBody, m, `matters.yaml matters[${i}]`));
  const bundles = DEMO_BUNDLE_FILES.map((f) => definitionFromYaml(BundleDefinitionBody, read(`./bundles/${f}`), f));
  return { matters, bundles };
}
