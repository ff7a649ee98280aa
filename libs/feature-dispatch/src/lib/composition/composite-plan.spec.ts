import { readFileSync } from 'node:fs';
import { findCapability, jsonSchemaOf } from '@gmp/contracts';
import { type CompositeDefinition, readDefinition } from './composite-definition.js';
import { planComposite, type StepTarget } from './composite-plan.js';

/** The catalogue's own contracts as the registry publishes them, plus one proxied upstream and one composite. */
async function resolve(code: string, version?: string): Promise<StepTarget | null> {
  const c = findCapability(code, version);
  if (c)
    return {
      code,
      version: c.version,
      kind: 'capability',
      status: 'active',
      inputSchema: jsonSchemaOf(c.input, { closed: true }),
      outputSchema: jsonSchemaOf(c.output),
      idempotent: c.idempotent,
      timeoutMs: c.timeoutMs,
    };
  if (code === 'proxy.mps.photo')
    return {
      code,
      version: '1',
      kind: 'proxy',
      status: 'active',
      inputSchema: { type: 'object', required: ['idNumber'], properties: { idNumber: { type: 'string' } }, additionalProperties: false },
      outputSchema: { type: 'object' },
      idempotent: true,
      timeoutMs: 2000,
    };
  if (code === 'composite.other')
    return {
      code,
      version: '1',
      kind: 'composite',
      status: 'active',
      inputSchema: { type: 'object' },
      outputSchema: { type: 'object' },
      idempotent: true,
      timeoutMs: 5000,
    };
  if (code === 'proxy.old')
    return {
      code,
      version: '1',
      kind: 'proxy',
      status: 'retired',
      inputSchema: { type: 'object' },
      outputSchema: { type: 'object' },
      idempotent: true,
      timeoutMs: 2000,
    };
  return null;
}

const example = readFileSync(new URL('./examples/citizen-licences.composite.yaml', import.meta.url), 'utf8');

function definition(over: Partial<CompositeDefinition> = {}): CompositeDefinition {
  const d = readDefinition(example).definition!;
  return { ...d, ...over };
}

const codes = async (d: CompositeDefinition) => (await planComposite(d, resolve)).problems.map((p) => `${p.code}@${p.path}`);

describe('composite dry-run (planComposite)', () => {
  it('passes the shipped example: verify first, then the licences, with their calls', async () => {
    const plan = await planComposite(definition(), resolve);
    expect(plan.problems).toEqual([]);
    expect(plan.valid).toBe(true);
    expect(plan.stages).toEqual([['verify'], ['licences']]);
    expect(plan.dependsOn).toEqual({ verify: [], licences: ['verify'] });
  });

  it('puts independent steps in one stage (they run in parallel)', async () => {
    const d = definition({
      steps: [
        { id: 'verify', capability: 'identity.verify-real-name', input: '{ "name": input.name, "idNumber": input.idNumber }' },
        { id: 'photo', capability: 'proxy.mps.photo', input: '{ "idNumber": input.idNumber }' },
        {
          id: 'licences',
          capability: 'e-licence.query-by-holder',
          input: '{ "holderType": "person", "holderId": input.idNumber }',
          needs: ['verify', 'photo'],
        },
      ],
      output: '{ "verified": steps.verify.match, "licences": $append([], steps.licences.licences) }',
    });
    const plan = await planComposite(d, resolve);
    expect(plan.problems).toEqual([]);
    expect(plan.stages.map((s) => s.sort())).toEqual([['photo', 'verify'], ['licences']]);
  });

  it('finds unknown capabilities and versions, retired ones and composites inside composites', async () => {
    const d = definition({
      steps: [
        { id: 'a', capability: 'identity.no-such-thing' },
        { id: 'b', capability: 'identity.verify-real-name', version: '9', input: '{ "name": input.name, "idNumber": input.idNumber }' },
        { id: 'c', capability: 'composite.other' },
        { id: 'd', capability: 'proxy.old' },
      ],
      output: undefined,
    });
    expect(await codes(d)).toEqual(
      expect.arrayContaining([
        'UNKNOWN_CAPABILITY@steps[0].capability',
        'UNKNOWN_CAPABILITY@steps[1].capability',
        'NESTED_COMPOSITE@steps[2].capability',
        'CAPABILITY_RETIRED@steps[3].capability',
      ]),
    );
  });

  it('finds schema mismatches between mapped fields: wrong type, unknown source field, field not accepted, required field not mapped', async () => {
    const d = definition({
      steps: [
        { id: 'verify', capability: 'identity.verify-real-name', input: '{ "name": input.name, "idNumber": input.idNumber, "extra": 1 }' },
        // holderId is a string; match is a boolean. verify has no field "holder". holderType is required.
        {
          id: 'licences',
          capability: 'e-licence.query-by-holder',
          input: '{ "holderId": steps.verify.match, "typeCode": steps.verify.holder }',
        },
      ],
      output: '{ "x": input.nickname }',
    });
    const found = await codes(d);
    expect(found).toEqual(
      expect.arrayContaining([
        'FIELD_NOT_ACCEPTED@steps[0].input',
        'TYPE_MISMATCH@steps[1].input',
        'UNKNOWN_FIELD@steps[1].input',
        'MISSING_FIELD@steps[1].input',
        'UNKNOWN_FIELD@output',
      ]),
    );
    const mismatch = (await planComposite(d, resolve)).problems.find((p) => p.code === 'TYPE_MISMATCH')!;
    expect(mismatch.message).toContain('holderId');
    expect(mismatch.message).toContain('boolean');
  });

  it('checks fields through arrays of earlier outputs and against the declared output schema', async () => {
    const d = definition({
      output: '{ "verified": steps.verify.match, "licences": steps.licences.licences.noSuchField, "count": "many" }',
      outputSchema: {
        type: 'object',
        additionalProperties: false,
        required: ['verified', 'licences'],
        properties: { verified: { type: 'boolean' }, licences: { type: 'array' }, total: { type: 'integer' } },
      },
    });
    expect(await codes(d)).toEqual(expect.arrayContaining(['UNKNOWN_FIELD@output', 'FIELD_NOT_ACCEPTED@output']));
    const ok = definition({
      output: '{ "verified": steps.verify.match, "licences": steps.licences.licences.licenceId }',
      outputSchema: { type: 'object', properties: { verified: { type: 'boolean' }, licences: { type: 'array' } } },
    });
    expect(await codes(ok)).toEqual([]);
  });

  it('finds cycles, self-references, unknown and duplicate steps', async () => {
    const cycle = definition({
      steps: [
        { id: 'a', capability: 'identity.verify-real-name', input: '{ "name": steps.b.reason, "idNumber": input.idNumber }' },
        { id: 'b', capability: 'identity.verify-real-name', input: '{ "name": input.name, "idNumber": input.idNumber }', needs: ['a'] },
        { id: 'c', capability: 'identity.verify-real-name', input: '{ "name": steps.c.reason, "idNumber": input.idNumber }' },
        { id: 'd', capability: 'identity.verify-real-name', input: '{ "name": steps.zz.reason, "idNumber": input.idNumber }' },
        { id: 'd', capability: 'identity.verify-real-name', input: '{ "name": input.name, "idNumber": input.idNumber }' },
      ],
      output: undefined,
    });
    const found = await codes(cycle);
    expect(found).toEqual(
      expect.arrayContaining(['CYCLE@steps', 'CYCLE@steps[2].input', 'UNKNOWN_STEP@steps[3].input', 'DUPLICATE_STEP@steps[4].id']),
    );
    expect((await planComposite(cycle, resolve)).problems.find((p) => p.code === 'CYCLE' && p.path === 'steps')!.message).toMatch(
      /a, b|b, a/,
    );
  });

  it('sees dependencies through $ and $$, and refuses uses of `steps` that hide which step is meant', async () => {
    const viaRoot = definition({
      steps: [
        { id: 'a', capability: 'identity.verify-real-name', input: '{ "name": input.name, "idNumber": input.idNumber }' },
        { id: 'b', capability: 'identity.verify-real-name', input: '{ "name": $$.steps.a.reason, "idNumber": $.input.idNumber }' },
      ],
      output: undefined,
    });
    const plan = await planComposite(viaRoot, resolve);
    expect(plan.dependsOn['b']).toEqual(['a']);
    expect(plan.stages).toEqual([['a'], ['b']]);
    for (const hidden of ['$lookup(steps, "a")', 'steps.*', '($s := steps; $s.a)']) {
      const d = definition({
        steps: [
          { id: 'a', capability: 'identity.verify-real-name', input: '{ "name": input.name, "idNumber": input.idNumber }' },
          { id: 'b', capability: 'identity.verify-real-name', when: hidden, input: '{ "name": input.name, "idNumber": input.idNumber }' },
        ],
        output: undefined,
      });
      expect({ hidden, found: await codes(d) }).toEqual({ hidden, found: ['INVALID_EXPRESSION@steps[1].when'] });
    }
  });

  it('reports broken schemas without tripping over them', async () => {
    const d = definition({
      input: { type: 'object', properties: { x: null } } as never,
      outputSchema: { type: 'object', required: 5 } as never,
      steps: [{ id: 'a', capability: 'identity.verify-real-name' }],
      output: undefined,
    });
    const found = await codes(d);
    expect(found).toEqual(expect.arrayContaining(['INVALID_SCHEMA@outputSchema']));
    expect((await planComposite(d, resolve)).valid).toBe(false);
  });

  it('finds invalid JSONata and an input schema that is not an object', async () => {
    expect(await codes(definition({ output: '{ "a": steps.verify.match ' }))).toEqual(['INVALID_EXPRESSION@output']);
    expect(await codes(definition({ input: { type: 'string' } }))).toContain('INVALID_SCHEMA@input.type');
  });

  it('refuses definitions of the wrong shape with the place of each problem, and unparsable YAML', () => {
    const { definition: d, problems } = readDefinition({
      code: 'Bad Code',
      name: 'x',
      ownerDepartment: 'y',
      input: {},
      steps: [{ id: '1x', capability: 'a.b', onFailure: 'explode', extra: true }],
    });
    expect(d).toBeNull();
    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(['code', 'steps[0].id', 'steps[0].onFailure', 'steps[0]']));
    expect(readDefinition('[1, 2]').problems[0]!.code).toBe('INVALID_DEFINITION');
    expect(readDefinition(42).problems[0]!.code).toBe('INVALID_DEFINITION');
    expect(() => readDefinition('code: [unclosed')).toThrow(
      expect.objectContaining({ response: expect.objectContaining({ code: 'INVALID_YAML' }) }),
    );
  });

  it('fills in defaults: version 1 and a 10-second limit', () => {
    const { definition: d } = readDefinition({
      code: 'composite.x',
      name: 'x',
      ownerDepartment: 'y',
      input: { type: 'object' },
      steps: [{ id: 'a', capability: 'identity.verify-real-name' }],
    });
    expect(d).toMatchObject({ version: '1', timeoutMs: 10_000 });
  });
});
