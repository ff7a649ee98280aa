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
  private readonly dependencies = new Map<string, ReadonlySet<string> | 'all'>();
  private readonly env = celEnv();

  /**
   * The resources a rule reads (`profile.records['X']`, `profile.mentions['X']`, `'X' in
   * profile.records`, `profile.records.X`), or 'all' when it reads the profile any other way
   * (`size(profile.records)`, the whole profile): a stored record of another resource cannot
   * change what the rule answers, so its subjects need not be re-evaluated.
   */
  dependenciesOf(rule: string): ReadonlySet<string> | 'all' {
    let d = this.dependencies.get(rule);
    if (d) return d;
    const found = new Set<string>();
    let all = false;
    type Node = { exprKind?: { case?: string; value?: Record<string, unknown> } };
    const sectionOf = (e: unknown): boolean => {
      const k = (e as Node | undefined)?.exprKind;
      if (k?.case !== 'selectExpr') return false;
      const operand = (k.value as { operand?: Node; field?: string }).operand?.exprKind;
      const field = (k.value as { field?: string }).field;
      return (
        operand?.case === 'identExpr' &&
        (operand.value as { name?: string }).name === 'profile' &&
        (field === 'records' || field === 'mentions')
      );
    };
    const stringOf = (e: unknown): string | null => {
      const k = (e as Node | undefined)?.exprKind;
      const c = (k?.value as { constantKind?: { case?: string; value?: unknown } } | undefined)?.constantKind;
      return k?.case === 'constExpr' && c?.case === 'stringValue' ? String(c.value) : null;
    };
    const walk = (x: unknown): void => {
      if (all || x === null || typeof x !== 'object') return;
      if (Array.isArray(x)) return x.forEach(walk);
      const k = (x as Node).exprKind;
      if (k?.case === 'callExpr') {
        const { function: fn, args = [], target } = k.value as { function: string; args?: unknown[]; target?: unknown };
        if (fn === '_[_]' && sectionOf(args[0]) && stringOf(args[1]) !== null) return void found.add(stringOf(args[1])!);
        if (fn === '@in' && sectionOf(args[1]) && stringOf(args[0]) !== null) return void found.add(stringOf(args[0])!);
        walk(target);
        return args.forEach(walk);
      }
      if (k?.case === 'selectExpr' && sectionOf((k.value as { operand?: unknown }).operand))
        return void found.add(String((k.value as { field?: string }).field));
      if (k?.case === 'identExpr' && (k.value as { name?: string }).name === 'profile') {
        all = true;
        return;
      }
      for (const v of Object.values(x)) walk(v);
    };
    const f = this.compile(rule);
    walk(parse(rule).expr);
    // A rule an empty profile matches (`!('A' in profile.records)`) can hold for a subject whose
    // first record is of any resource: it must be evaluated for every stored record.
    if (this.matches(f, EMPTY, new Date()).match) all = true;
    d = all ? 'all' : found;
    if (this.dependencies.size > 1_000) this.dependencies.clear();
    this.dependencies.set(rule, d);
    return d;
  }

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
