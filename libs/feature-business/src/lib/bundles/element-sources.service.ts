import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DataElementsReply, Topic, validateMessage } from '@gmp/contracts';
import { CapabilityClient, describeError } from '@gmp/messaging';
import type { FieldType } from '../matters/matter-definition.js';
import { CatalogueProblem } from '../business.problems.js';
import type { ElementSource } from './bundle.compiler.js';

const TIMEOUT_MS = 5_000;
const TYPES: Record<string, FieldType> = {
  string: 'string',
  number: 'number',
  integer: 'number',
  boolean: 'boolean',
  date: 'date',
  datetime: 'datetime',
};

/** Where the data platform keeps each data element (数据元), asked over Kafka (`data.catalogue.elements.v1`). */
@Injectable()
export class ElementSourcesService {
  private readonly log = new Logger('ElementSources');

  constructor(private readonly capabilities: CapabilityClient) {}

  async of(elements: string[]): Promise<Map<string, ElementSource>> {
    const wanted = [...new Set(elements)];
    if (wanted.length === 0) return new Map();
    let raw: unknown;
    try {
      raw = await this.capabilities.request(
        Topic.DataCatalogueElements,
        null,
        {
          meta: { messageId: randomUUID(), correlationId: randomUUID(), app: 'business-platform', sentAt: new Date().toISOString() },
          input: { dataElements: wanted },
        },
        TIMEOUT_MS,
      );
    } catch (err) {
      this.log.warn(`数据中台目录未应答 (the data catalogue did not answer): ${describeError(err)}`);
      throw CatalogueProblem.DATA_CATALOGUE_UNAVAILABLE(describeError(err).slice(0, 300));
    }
    const reply = validateMessage(DataElementsReply, raw);
    if (!reply.ok)
      throw CatalogueProblem.DATA_CATALOGUE_UNAVAILABLE(`应答不合规 (a malformed answer): ${JSON.stringify(reply.errors).slice(0, 300)}`);
    return new Map(
      reply.value.elements.map((e) => [
        e.dataElement,
        {
          element: e.dataElement,
          ...(e.type && TYPES[e.type] ? { type: TYPES[e.type] } : {}),
          resources: e.resources.map((r) => ({ resourceCode: r.resourceCode, department: r.department })),
        },
      ]),
    );
  }
}
