import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type DataElementsReply, type DataElementsRequest, Topic } from '@gmp/contracts';
import { quoteTablePath } from '@gmp/messaging';
import { DataResource } from './catalogue.entities.js';

type Row = { element: string; type: string | null; code: string; name: string; department: string; item: string; sharing_type: string };

/**
 * Where the catalogue keeps each data element (数据元): the active, shared resources whose items
 * carry it. The business platform's bundle compiler marks a form field "prefill" from this; the
 * values themselves only ever move through data.prefill, under the caller's grants.
 */
@Controller()
export class CatalogueHandler {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @MessagePattern(Topic.DataCatalogueElements)
  async elements(@Payload() r: DataElementsRequest): Promise<DataElementsReply> {
    const t = quoteTablePath(this.dataSource.getMetadata(DataResource).tablePath);
    const rows = (await this.dataSource.query(
      `SELECT i->>'dataElement' AS element, i->>'type' AS type, r.code, r.name, r.provider_department AS department, i->>'code' AS item,
              r.sharing_type
         FROM ${t} r, jsonb_array_elements(r.definition->'items') AS i
        WHERE r.status = 'active' AND r.sharing_type IN ('unconditional', 'conditional') AND i->>'dataElement' = ANY($1::text[])
        ORDER BY element, r.code, item`,
      [[...new Set(r.input.dataElements)]],
    )) as Row[];
    const byElement = new Map<string, Row[]>();
    for (const row of rows) byElement.set(row.element, [...(byElement.get(row.element) ?? []), row]);
    return {
      elements: [...byElement].map(([dataElement, list]) => {
        const types = new Set(list.map((x) => x.type));
        const only = types.size === 1 ? [...types][0] : null;
        return {
          dataElement,
          ...(only ? { type: only } : {}),
          resources: list.map((x) => ({
            resourceCode: x.code,
            resourceName: x.name,
            department: x.department,
            item: x.item,
            sharingType: x.sharing_type as 'unconditional' | 'conditional',
          })),
        };
      }),
    };
  }
}
