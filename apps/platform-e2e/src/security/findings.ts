import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One thing a security suite found wrong. */
export interface Finding {
  /** The kind of defect, e.g. `5xx`, `2xx without credentials`. */
  kind: string;
  service: string;
  method: string;
  path: string;
  /** What was sent (or who sent it). */
  label: string;
  status: number;
  excerpt: string;
}

/** A body on one line, control characters visible, at most `max` characters. */
export function excerptOf(body: string, max = 240): string {
  const flat = JSON.stringify(body.length > max ? `${body.slice(0, max)}…` : body);
  return flat.slice(1, -1);
}

/**
 * All findings as one readable text: grouped by kind, then by route and answer, every case
 * listed — what a failed test prints and what is written next to the run for the lead.
 */
export function formatFindings(title: string, findings: Finding[]): string {
  const lines = [`${title}: ${findings.length} finding(s)`];
  const byKind = groupBy(findings, (f) => f.kind);
  for (const [kind, ofKind] of byKind) {
    lines.push('', `== ${kind} (${ofKind.length}) ==`);
    const byRoute = groupBy(ofKind, (f) => `${f.service} ${f.method} ${f.path}`);
    for (const [route, ofRoute] of byRoute) {
      lines.push(`-- ${route}`);
      const byAnswer = groupBy(ofRoute, (f) => `${f.status} ${f.excerpt}`);
      for (const [, same] of byAnswer) {
        lines.push(`   ${same[0]!.status} ← ${same.map((f) => f.label).join(' | ')}`);
        lines.push(`       ${same[0]!.excerpt}`);
      }
    }
  }
  return lines.join('\n');
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

/** Writes the report where the run can be read again; returns its path. */
export function writeReport(name: string, text: string): string {
  const file = join(tmpdir(), `gmp-security-${name}.txt`);
  writeFileSync(file, `${text}\n`);
  return file;
}
