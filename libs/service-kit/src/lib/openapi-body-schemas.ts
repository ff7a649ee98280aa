import type { OpenAPIObject } from '@nestjs/swagger';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
// class-transformer keeps its metadata (nested @Type) here; the schemas need it for nested objects.
// @ts-expect-error no type declarations for this internal path
import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';

/**
 * The OpenAPI document's body schemas from the body classes' class-validator decorators — the
 * same rules `ContractBodyPipe` checks — so every `@Body() input: SomeBody` is documented from
 * the code (Nest's explorer names the class; it knows nothing of class-validator). Classes the
 * bodies refer to (nested `@Type`) are added too.
 */
export function withBodySchemas(document: OpenAPIObject): OpenAPIObject {
  const known = validationMetadatasToSchemas({
    classTransformerMetadataStorage: defaultMetadataStorage,
    refPointerPrefix: '#/components/schemas/',
  }) as Record<string, Record<string, unknown>>;
  const schemas = ((document.components ??= {}).schemas ??= {});
  const pending = Object.keys(schemas).filter((name) => known[name]);
  while (pending.length > 0) {
    const name = pending.pop()!;
    schemas[name] = known[name]!;
    for (const ref of JSON.stringify(known[name]).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (known[ref[1]!] && schemas[ref[1]!] !== known[ref[1]!]) pending.push(ref[1]!);
    }
  }
  return document;
}
