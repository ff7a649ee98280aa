import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { checkedDefinition, definitionFromYaml } from '../definition-yaml.js';
import { BundleDefinitionBody } from '../bundles/bundle-definition.dto.js';
import type { BundleDefinition } from '../bundles/bundle-definition.js';
import { MatterDefinitionBody } from '../matters/matter-definition.dto.js';
import type { MatterDefinition } from '../matters/matter-definition.js';

export const DEMO_BUNDLE_FILES = [
  'newborn.bundle.yaml',
  'company-startup.bundle.yaml',
  'restaurant.bundle.yaml',
  'newborn-kit.bundle.yaml',
] as const;

/** The demo matter catalogue and bundles (新生儿出生, 企业开办, 开办餐饮店), read from this folder's YAML. */
export function loadDemoCatalogue(): { matters: MatterDefinition[]; bundles: BundleDefinition[] } {
  const read = (file: string) => readFileSync(new URL(file, import.meta.url), 'utf8');
  const doc = parse(read('./matters.yaml'), { maxAliasCount: 200, uniqueKeys: true }) as { matters: unknown[] };
  const matters = doc.matters.map((m, i) => checkedDefinition(MatterDefinitionBody, m, `matters.yaml matters[${i}]`));
  const bundles = DEMO_BUNDLE_FILES.map((f) => definitionFromYaml(BundleDefinitionBody, read(`./bundles/${f}`), f));
  return { matters, bundles };
}

export { definitionFromYaml } from '../definition-yaml.js';
