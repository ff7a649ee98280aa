import { ProblemException } from '@gmp/service-kit';
import type { AppRequest } from '../apps/app-credentials.guard.js';
import { callerOf } from './caller-info.util.js';

const request = (pairs: [string, string][]) =>
  ({
    headers: Object.fromEntries(pairs.map(([k, v]) => [k.toLowerCase(), v])),
    raw: { rawHeaders: pairs.flat() },
    app: { appKey: 'app-1' },
  }) as unknown as AppRequest;
const code = (pairs: [string, string][]) => {
  try {
    callerOf(request(pairs));
    return 'ok';
  } catch (err) {
    return err instanceof ProblemException ? (err.getResponse() as { code: string }).code : 'thrown';
  }
};

describe('callerOf: who-and-why headers at the edge', () => {
  it('accepts well-formed values, percent-decoding the purpose', () => {
    expect(
      callerOf(
        request([
          ['X-Purpose', encodeURIComponent('企业开办')],
          ['X-Legal-Basis', 'demo.gov-data-sharing'],
          ['X-Case-Id', 'C-1'],
        ]),
      ),
    ).toMatchObject({ purpose: '企业开办', legalBasis: 'demo.gov-data-sharing', caseId: 'C-1' });
  });

  it('refuses a header sent twice (Node would join it into "a, b")', () => {
    for (const name of ['X-End-User', 'X-Purpose', 'X-Case-Id', 'X-Legal-Basis'])
      expect(
        code([
          [name, 'a-1'],
          [name, 'b-2'],
        ]),
      ).toBe('INVALID_HEADER');
  });

  it('refuses control, format and separator characters, lone surrogates, raw non-ASCII and malformed encodings', () => {
    for (const purpose of ['%00', '%C2%85', '%E2%80%AE', '%E2%80%8B', '%E2%80%A8', '%ED%A0%80', '%zz', 'caf\u00e9'])
      expect(code([['X-Purpose', purpose]])).toBe('INVALID_HEADER');
    for (const basis of ['demo', 'x']) expect(code([['X-Legal-Basis', basis]])).toBe(basis === 'demo' ? 'ok' : 'INVALID_HEADER');
    expect(code([['X-Legal-Basis', encodeURIComponent('《行政许可法》')]])).toBe('INVALID_HEADER');
  });
});
