import type { WorkflowAction, WorkflowDefinition, WorkflowState } from './matter-definition.js';

/**
 * Everything wrong with a matter's workflow, each as one sentence (empty when it can run):
 * states named once, the initial state and every action's ends known, no action out of a final
 * state, each final state saying whether it approves or refuses (`outcome`), and at least one
 * approving final state reachable from the initial one.
 */
export function workflowErrors(wf: WorkflowDefinition): string[] {
  const errors: string[] = [];
  const states = new Map<string, WorkflowState>();
  for (const s of wf.states) {
    if (states.has(s.name)) errors.push(`状态重复 (state named twice): ${s.name}`);
    states.set(s.name, s);
    if (s.final && s.outcome !== 'approved' && s.outcome !== 'rejected')
      errors.push(`终态须注明结果 approved 或 rejected (a final state needs its outcome): ${s.name}`);
    if (!s.final && s.outcome !== undefined) errors.push(`非终态不能有结果 (only a final state has an outcome): ${s.name}`);
    if (s.final && (s.limitDays !== undefined || s.onBreach !== undefined))
      errors.push(`终态没有时限 (a final state has no time limit): ${s.name}`);
    if (s.onBreach !== undefined && s.limitDays === undefined) errors.push(`超时处理须有时限 (onBreach needs limitDays): ${s.name}`);
  }
  const initial = states.get(wf.initial);
  if (!initial) errors.push(`初始状态未定义 (unknown initial state): ${wf.initial}`);
  else if (initial.final) errors.push(`初始状态不能是终态 (the initial state cannot be final): ${wf.initial}`);
  const seen = new Set<string>();
  for (const a of wf.actions) {
    const key = `${a.from}\u0000${a.name}`;
    if (seen.has(key)) errors.push(`同一状态下动作重复 (action named twice from one state): ${a.from} → ${a.name}`);
    seen.add(key);
    if (!states.has(a.from)) errors.push(`动作「${a.name}」的起始状态未定义 (unknown from-state): ${a.from}`);
    if (!states.has(a.to)) errors.push(`动作「${a.name}」的目标状态未定义 (unknown to-state): ${a.to}`);
    if (states.get(a.from)?.final) errors.push(`终态不能再有动作 (no action out of a final state): ${a.from} → ${a.name}`);
  }
  if (errors.length === 0 && !reachable(wf).some((name) => states.get(name)?.outcome === 'approved'))
    errors.push('从初始状态无法到达办结 (no approving final state is reachable from the initial state)');
  return errors;
}

/** The actions that leave `state`. */
export function actionsFrom(wf: WorkflowDefinition, state: string): WorkflowAction[] {
  return wf.actions.filter((a) => a.from === state);
}

export function stateNamed(wf: WorkflowDefinition, name: string): WorkflowState | undefined {
  return wf.states.find((s) => s.name === name);
}

function reachable(wf: WorkflowDefinition): string[] {
  const found = new Set([wf.initial]);
  const queue = [wf.initial];
  while (queue.length > 0) {
    const from = queue.shift()!;
    for (const a of actionsFrom(wf, from))
      if (!found.has(a.to)) {
        found.add(a.to);
        queue.push(a.to);
      }
  }
  return [...found];
}

/** A step's clock in working days: its limit, and when 80 % of it is used (none for a one-day limit). */
export function stepClock(state: WorkflowState | undefined): { limit: number; warn: number | null } | null {
  if (!state?.limitDays) return null;
  const warn = Math.floor(state.limitDays * 0.8);
  return { limit: state.limitDays, warn: warn >= 1 && warn < state.limitDays ? warn : null };
}

/** The approving final state one action away from `state` (what a deemed approval moves to), if any. */
export function approvalFrom(wf: WorkflowDefinition, state: string): string | null {
  return actionsFrom(wf, state).find((a) => stateNamed(wf, a.to)?.outcome === 'approved')?.to ?? null;
}

/** The roles that may approve a part (take an action into an approving final state): they also decide on its commitments. */
export function approverRoles(wf: WorkflowDefinition): string[] {
  return [
    ...new Set(
      wf.actions.filter((a) => stateNamed(wf, a.to)?.outcome === 'approved').flatMap((a) => a.roles.filter((r) => r !== 'applicant')),
    ),
  ];
}
