import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
// class-transformer keeps its metadata (nested @Type) here; the JSON Schemas need it for nested objects.
// @ts-expect-error no type declarations for this internal path
import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';

let all: Record<string, Record<string, unknown>> | null = null;

/**
 * The JSON Schema (draft-07 style, `definitions` inlined) of a contract class, from its
 * class-validator decorators: what the capability registry publishes for integrators. The
 * classes stay the authority — dispatch validates with them.
 */
export function jsonSchemaOf(cls: new () => object, o: { closed?: boolean } = {}): Record<string, unknown> {
  all ??= validationMetadatasToSchemas({
    classTransformerMetadataStorage: defaultMetadataStorage,
    refPointerPrefix: '#/definitions/',
  }) as Record<string, Record<string, unknown>>;
  const root = all[cls.name] ?? { type: 'object' };
  const definitions: Record<string, unknown> = {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') {
        const name = v.replace('#/definitions/', '');
        if (!(name in definitions) && all![name]) {
          definitions[name] = all![name];
          visit(all![name]);
        }
      } else visit(v);
    }
  };
  visit(root);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: cls.name,
    ...root,
    ...(o.closed ? { additionalProperties: false } : {}),
    ...(Object.keys(definitions).length ? { definitions } : {}),
  };
}
