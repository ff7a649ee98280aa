import { TagRulesService } from './tag-rules.service.js';

const NEWBORN = "'B' in profile.mentions && profile.mentions['B'].exists(b, timestamp(b.cssj) > timestamp(now) - duration('8760h'))";
const now = new Date('2026-12-05T00:00:00Z');

describe('tag rules (CEL)', () => {
  const rules = new TagRulesService();

  it('matches a profile by its mentions and its own records', () => {
    const f = rules.compile(NEWBORN);
    expect(rules.matches(f, { records: {}, mentions: { B: [{ cssj: '2026-11-30T10:15:00+08:00' }] } }, now)).toEqual({
      match: true,
      error: false,
    });
    expect(rules.matches(f, { records: {}, mentions: { B: [{ cssj: '2024-11-30T10:15:00+08:00' }] } }, now)).toEqual({
      match: false,
      error: false,
    });
    expect(rules.matches(f, { records: {}, mentions: {} }, now)).toEqual({ match: false, error: false });
    const own = rules.compile("'A' in profile.records && profile.records['A'].zczb < 100.0");
    expect(rules.matches(own, { records: { A: { zczb: 50 } }, mentions: {} }, now).match).toBe(true);
  });

  it('counts an evaluation error (a missing field) as no, and reports it', () => {
    const f = rules.compile("profile.records['A'].zczb < 100.0");
    expect(rules.matches(f, { records: {}, mentions: {} }, now)).toEqual({ match: false, error: true });
  });

  it.each([['1 +'], ['profile.records['], ["'a' + 1 == "], ['1'], ["'text'"], ['[1, 2]']])(
    'refuses %s (does not compile or is not a boolean)',
    (rule) => {
      expect(() => rules.compile(rule)).toThrow(expect.objectContaining({ response: expect.objectContaining({ code: 'RULE_INVALID' }) }));
    },
  );

  describe('the resources a rule reads (records of others cannot change its answer)', () => {
    it.each([
      [NEWBORN, ['B']],
      ["profile.records['A'].xb == '1' && has(profile.records.C) && 'D' in profile.records", ['A', 'C', 'D']],
    ])('%s reads %j', (rule, resources) => {
      expect([...(rules.dependenciesOf(rule) as Set<string>)].sort()).toEqual(resources);
    });

    it.each([
      'size(profile.records) > 2',
      "profile.records.exists(k, k == 'A')",
      "profile.records[now] != null || 'A' in profile.records",
      "profile == {} || profile.records['A'].xb == '1'",
      // Matches an empty profile: a new subject with a record of any resource may match it.
      "!('DEATH' in profile.records)",
      "'A' in profile.mentions || profile.mentions.size() > 1",
      // A loop variable named profile counts as the profile (over-counting only costs a re-evaluation).
      "[1, 2].exists(profile, profile > 1) || profile.mentions['E'].size() > 0",
    ])('%s reads the whole profile', (rule) => {
      expect(rules.dependenciesOf(rule)).toBe('all');
    });
  });
});
