/** The bundle's dependency graph: matter code → the matters it waits for. */

/** A cycle in the dependency graph, as the matters along it (first repeated at the end), or null. */
export function findCycle(after: ReadonlyMap<string, ReadonlySet<string>>): string[] | null {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (code: string): string[] | null => {
    if (state.get(code) === 'done') return null;
    if (state.get(code) === 'visiting') return [...stack.slice(stack.indexOf(code)), code];
    state.set(code, 'visiting');
    stack.push(code);
    for (const dep of after.get(code) ?? []) {
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(code, 'done');
    return null;
  };
  for (const code of after.keys()) {
    const found = visit(code);
    if (found) return found.reverse();
  }
  return null;
}

/** The matters, each after everything it depends on (the graph has no cycle). */
export function topological(after: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const out: string[] = [];
  const done = new Set<string>();
  const visit = (code: string) => {
    if (done.has(code)) return;
    done.add(code);
    for (const dep of after.get(code) ?? []) visit(dep);
    out.push(code);
  };
  for (const code of after.keys()) visit(code);
  return out;
}
