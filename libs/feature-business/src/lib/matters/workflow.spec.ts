import type { WorkflowDefinition } from './matter-definition.js';
import { actionsFrom, approverRoles, workflowErrors } from './workflow.js';

const standard: WorkflowDefinition = {
  initial: '待受理',
  states: [
    { name: '待受理', limitDays: 1, onBreach: 'escalate' },
    { name: '审查中', limitDays: 3 },
    { name: '已办结', final: true, outcome: 'approved' },
    { name: '不予办理', final: true, outcome: 'rejected' },
  ],
  actions: [
    { name: '受理', from: '待受理', to: '审查中', roles: ['acceptor'] },
    { name: '办结', from: '审查中', to: '已办结', roles: ['approver'] },
    { name: '不予办理', from: '审查中', to: '不予办理', roles: ['approver'] },
  ],
};
const change = (f: (w: WorkflowDefinition) => void): WorkflowDefinition => {
  const w = structuredClone(standard);
  f(w);
  return w;
};

describe('workflowErrors (a matter’s workflow must be able to run)', () => {
  it('accepts a workflow that can run, and lists the actions out of a state', () => {
    expect(workflowErrors(standard)).toEqual([]);
    expect(actionsFrom(standard, '审查中').map((a) => a.name)).toEqual(['办结', '不予办理']);
    expect(actionsFrom(standard, '已办结')).toEqual([]);
  });

  it.each<[string, (w: WorkflowDefinition) => void, string]>([
    ['unknown initial state', (w) => (w.initial = '草稿'), 'unknown initial state'],
    ['final initial state', (w) => (w.initial = '已办结'), 'cannot be final'],
    ['state named twice', (w) => w.states.push({ name: '审查中' }), 'state named twice'],
    ['final state without outcome', (w) => delete w.states[2]!.outcome, 'needs its outcome'],
    ['outcome on a non-final state', (w) => (w.states[1]!.outcome = 'approved'), 'only a final state has an outcome'],
    ['limit on a final state', (w) => (w.states[2]!.limitDays = 2), 'a final state has no time limit'],
    ['onBreach without a limit', (w) => (w.states[1] = { name: '审查中', onBreach: 'deem-approved' }), 'onBreach needs limitDays'],
    ['action from an unknown state', (w) => (w.actions[0]!.from = '草稿'), 'unknown from-state'],
    ['action to an unknown state', (w) => (w.actions[0]!.to = '归档'), 'unknown to-state'],
    [
      'action out of a final state',
      (w) => w.actions.push({ name: '撤销', from: '已办结', to: '审查中', roles: ['approver'] }),
      'no action out of a final state',
    ],
    ['action named twice from one state', (w) => w.actions.push({ ...w.actions[0]! }), 'action named twice'],
    ['no approval reachable', (w) => (w.actions = w.actions.filter((a) => a.name !== '办结')), 'no approving final state is reachable'],
  ])('refuses %s', (_, mutate, message) => {
    const errors = workflowErrors(change(mutate));
    expect(errors.some((e) => e.includes(message))).toBe(true);
  });
});

describe('approverRoles (who decides on a part’s commitments)', () => {
  it('names the roles of the actions into an approving final state — not the acceptor, not the applicant', () => {
    expect(approverRoles(standard)).toEqual(['approver']);
    const two = change((w) => {
      w.actions.push({ name: '特批', from: '待受理', to: '已办结', roles: ['director', 'applicant', 'approver'] });
    });
    expect(approverRoles(two).sort()).toEqual(['approver', 'director']);
    // Roles that only refuse do not approve.
    const refusing = change((w) => {
      w.actions.push({ name: '驳回', from: '待受理', to: '不予办理', roles: ['clerk'] });
    });
    expect(approverRoles(refusing)).toEqual(['approver']);
  });
});
