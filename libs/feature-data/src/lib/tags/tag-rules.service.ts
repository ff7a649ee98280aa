import { Injectable } from '@nestjs/common';
import { celEnv, isCelError, parse, plan } from '@bufbuild/cel';
import type { Profile } from '../ingestion/profiles.service.js';
import { TagsProblem } from './tags.problems.js';

type Compiled = ReturnType<typeof plan>;

/** An empty profile: a rule must answer a boolean (or fail on a missing field) for it, or it is refused at publication. */
const EMPTY: Profile = { records: {}, mentions: {} };

/**
 * Tag rules in CEL (`@bufbuild/cel`): parsed and planned once per rule text; evaluated over a
 * profile with no access to anything else (no I/O, no functions beyond CEL's own; comprehensions
 * run over the profile's bounded lists). A rule that does not parse, or answers something other
 * than true or false, is refused. An evaluation error on one profile (a missing field) is "no".
 */
@Injectable()
export class TagRulesService {
  private readonly compiled = new Map<string, Compiled>();
  private readonly env = celEnv();

  compile(rule: string): Compiled {
    let f = this.compiled.get(rule);
    if (f) return f;
    try {
      f = plan(this.env, parse(rule));
    } catch (err) {
      throw TagsProblem.RULE_INVALID((err as Error).message.slice(0, 300), [
        { field: 'rule', message: (err as Error).message.slice(0, 300) },
      ]);
    }
    const probe = f({ profile: EMPTY as never, now: new Date().toISOString() });
    if (!isCelError(probe) && typeof probe !== 'boolean')
      throw TagsProblem.RULE_INVALID(`规则返回 ${typeof probe}，应为 true 或 false (the rule answers ${typeof probe}, not a boolean)`, [
        { field: 'rule', message: 'not a boolean' },
      ]);
    if (this.compiled.size > 1_000) this.compiled.clear();
    this.compiled.set(rule, f);
    return f;
  }

  /** Whether the profile matches: true only for a boolean true; errors (missing fields) count as no, and are counted. */
  matches(f: Compiled, profile: Profile, now: Date): { match: boolean; error: boolean } {
    const r = f({ profile: profile as never, now: now.toISOString() });
    if (isCelError(r)) return { match: false, error: true };
    return { match: r === true, error: typeof r !== 'boolean' };
  }
}
