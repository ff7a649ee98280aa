import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { validBody } from './problem.js';

/** Types a body may be declared as without a contract class (raw bytes, or a JSON value checked by the handler against a schema found at run time). */
const UNCHECKED: unknown[] = [Object, Array, String, Number, Boolean, Buffer, Uint8Array];

/**
 * Every `@Body() input: SomeBody` is checked against its class (class-validator decorators,
 * unknown fields refused) before the handler runs: 400 INVALID_INPUT naming each field, as
 * RFC 9457 problem+json. A class without decorators refuses every field, so a body class
 * cannot be left unchecked by mistake. A whole query declared as a class (`@Query() q: SomeQuery`,
 * string fields) is checked the same way. Installed globally by the service bootstrap.
 */
@Injectable()
export class ContractBodyPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const type = metadata.metatype;
    if ((metadata.type !== 'body' && metadata.type !== 'query') || metadata.data || !type || UNCHECKED.includes(type)) return value;
    return validBody(type as new () => object, value);
  }
}
