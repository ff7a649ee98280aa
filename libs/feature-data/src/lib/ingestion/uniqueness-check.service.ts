import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { quoteTablePath } from '@gmp/messaging';
import { DataRecord } from './ingestion.entities.js';
import type { QualityReason } from './quality-rules.js';
import { RecordReaderService } from './record-reader.service.js';
import type { CheckedRecord } from './record-store.service.js';

/** The uniqueness rule, which needs what is stored: the other rules are checked in memory (quality-rules.ts). */
@Injectable()
export class UniquenessCheckService {
  constructor(private readonly reader: RecordReaderService) {}

  /**
   * For each record, the values of its unique items that another subject's record already holds —
   * stored, or earlier in the same list (the later one fails, as if the list were stored in
   * order). One query per resource and unique item, whatever the number of records. With
   * `clashInList`, a record whose only clash is with one earlier in the list is put there instead
   * of failing (the caller stores the rest first, then checks it again against what was stored).
   */
  async uniquenessReasonsOfMany(m: EntityManager, checked: CheckedRecord[], clashInList?: Set<number>): Promise<QualityReason[][]> {
    const reasons = checked.map((): QualityReason[] => []);
    const t = quoteTablePath(m.connection.getMetadata(DataRecord).tablePath);
    const keys = new Map<number, string>();
    const keyOf = (i: number) => keys.get(i) ?? keys.set(i, this.reader.keyOf(checked[i]!.record[checked[i]!.checks.keyItem])).get(i)!;
    const groups = new Map<string, number[]>();
    for (const [i, c] of checked.entries())
      if (c.checks.uniqueItems.length > 0) groups.set(c.checks.code, [...(groups.get(c.checks.code) ?? []), i]);
    for (const [code, indexes] of groups) {
      for (const item of checked[indexes[0]!]!.checks.uniqueItems) {
        const valueOf = (i: number) => {
          const v = checked[i]!.record[item];
          return v === undefined || v === null ? null : String(v);
        };
        const wanted = [...new Set(indexes.map(valueOf).filter((v): v is string => v !== null))];
        if (wanted.length === 0) continue;
        const holders = new Map<string, Set<string>>();
        const listed = new Map<string, Set<string>>();
        const rows = (await m.query(
          `SELECT "values"->>$2 AS v, record_key FROM ${t} WHERE resource_code = $1 AND "values"->>$2 = ANY($3::text[])`,
          [code, item, wanted],
        )) as { v: string; record_key: string }[];
        for (const r of rows) holders.set(r.v, (holders.get(r.v) ?? new Set()).add(r.record_key.trim()));
        // Subjects of the list itself: a value one of them holds now may move away when the list is stored.
        const listKeys = new Set(indexes.map(keyOf));
        for (const i of indexes) {
          const value = valueOf(i);
          if (value === null) continue;
          const held = holders.get(value) ?? new Set<string>();
          const inList = listed.get(value) ?? new Set<string>();
          const others = [...held].filter((k) => k !== keyOf(i));
          const movable = clashInList !== undefined && others.every((k) => listKeys.has(k));
          if ((others.length > 0 && !movable) || (!clashInList && [...inList].some((k) => k !== keyOf(i)))) {
            reasons[i]!.push({ rule: 'unique', item, message: `${item} 的值已被另一条记录使用 (another record already has this value)` });
            continue;
          }
          if (others.length > 0 || [...inList].some((k) => k !== keyOf(i))) clashInList!.add(i);
          else listed.set(value, inList.add(keyOf(i)));
        }
      }
    }
    for (const i of clashInList ?? []) if (reasons[i]!.length > 0) clashInList!.delete(i);
    return reasons;
  }
}
