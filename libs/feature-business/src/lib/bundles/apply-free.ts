import type { BundlePlan } from './bundle.compiler.js';

/**
 * What a bundle would ask of a person it is opened for without an application (免申即享), where
 * only their keyed hash is known: a company's bundle, a required field, a material to hand in or
 * one proven from their ID number (a licence, shared data), an e-licence output (its holder's ID
 * number). Empty: the bundle can be opened apply-free.
 */
export function applyFreeAsks(plan: BundlePlan): string[] {
  return [
    ...(plan.target === 'person' ? [] : ['面向企业 (a company bundle)']),
    ...plan.form.filter((f) => f.required).map((f) => `必填 ${f.name}`),
    ...plan.materials.filter((x) => x.status !== 'produced').map((x) => `材料 ${x.name}`),
    ...plan.matters.flatMap((m) => m.outputs.filter((o) => o.licenceType).map((o) => `电子证照 ${o.name}`)),
  ];
}
