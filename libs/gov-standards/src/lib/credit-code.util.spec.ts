import fc from 'fast-check';
import {
  CREDIT_CODE_ALPHABET,
  CREDIT_CODE_ERROR_MESSAGES,
  creditCodeCheckChar,
  creditCodeErrorMessage,
  generateCreditCode,
  isCreditCode,
  organisationCodeCheckChar,
  validateCreditCode,
  type CreditCodeError,
} from './credit-code.util.js';

/**
 * Real codes taken from the e-licence identifiers in STANDARDS.md: three issuing authorities
 * and the defining authority inside the type code. All four pass both checks, so none needs an
 * override.
 */
const REAL_CODES = ['11220000013544541J', '11430000006122244L', '11330105002500287C', '11100000000013338W'] as const;

const symbol = fc.constantFrom(...CREDIT_CODE_ALPHABET);
const digit = fc.constantFrom(...'0123456789');
const generateArb = fc.record({
  authority: symbol,
  kind: symbol,
  regionCode: fc.string({ unit: digit, minLength: 6, maxLength: 6 }),
  organisationBody: fc.string({ unit: symbol, minLength: 8, maxLength: 8 }),
});
const validCodeArb = generateArb.map((o) => generateCreditCode(o));

describe('credit code check characters', () => {
  it.each(REAL_CODES)('reproduces both check characters of real code %s', (code) => {
    expect(creditCodeCheckChar(code.slice(0, 17))).toBe(code[17]);
    expect(organisationCodeCheckChar(code.slice(8, 16))).toBe(code[16]);
  });

  it.each([
    ['10000000', '8'], // Σ = 1·3 = 3 → 11 − 3 = 8
    ['00010000', '1'], // Σ = 1·10 = 10 → 1
    ['00000A00', '8'], // Σ = 10·8 = 80 ≡ 3 → 8
    ['I0000000', '1'], // I = 18 in GB 11714 values: Σ = 54 ≡ 10 → 1
    ['00000006', 'X'], // Σ = 6·2 = 12 ≡ 1 → 10 → X
    ['00000000', '0'], // Σ = 0 → 11 → 0
    ['0000000B', '0'], // Σ = 11·2 = 22 ≡ 0 → 11 → 0
  ])('organisationCodeCheckChar(%s) = %s', (body, check) => {
    expect(organisationCodeCheckChar(body)).toBe(check);
  });

  it('an organisation-code check character X is carried into a valid credit code', () => {
    const code = generateCreditCode({ regionCode: '110000', organisationBody: '00000006' });
    expect(code.slice(8, 17)).toBe('00000006X');
    expect(validateCreditCode(code)).toMatchObject({ valid: true, organisationCode: '00000006X' });
  });

  it('reject malformed input', () => {
    expect(() => creditCodeCheckChar('1122000001354454')).toThrow(RangeError);
    expect(() => creditCodeCheckChar('1122000001354454I')).toThrow(RangeError);
    expect(() => organisationCodeCheckChar('0135445')).toThrow(RangeError);
    expect(() => organisationCodeCheckChar('0135445-')).toThrow(RangeError);
  });
});

describe('validateCreditCode', () => {
  it.each(REAL_CODES)('accepts real code %s', (code) => {
    expect(validateCreditCode(code)).toMatchObject({ valid: true, normalised: code, overridden: false });
  });

  it('decodes the fields', () => {
    expect(validateCreditCode('11330105002500287C')).toEqual({
      valid: true,
      normalised: '11330105002500287C',
      registrationAuthority: '1',
      kind: '1',
      regionCode: '330105',
      organisationCode: '002500287',
      overridden: false,
    });
  });

  it('upper-cases lowercase input', () => {
    expect(validateCreditCode('11330105002500287c')).toMatchObject({ valid: true, normalised: '11330105002500287C' });
  });

  it.each([
    ['empty', ''],
    ['17 characters', '11330105002500287'],
    ['19 characters', '11330105002500287C0'],
    ['punctuation', '11330105-02500287C'],
    ['letter in the division code', '11A30105002500287C'],
  ])('FORMAT: %s', (_label, code) => {
    expect(validateCreditCode(code)).toMatchObject({ valid: false, reason: 'FORMAT' });
  });

  it.each(['I', 'O', 'S', 'V', 'Z'])('ALPHABET: contains %s', (letter) => {
    expect(validateCreditCode(`1133010500250028${letter}C`)).toMatchObject({ valid: false, reason: 'ALPHABET' });
  });

  it('CHECK_CHAR: wrong final character', () => {
    expect(validateCreditCode('11330105002500287D')).toEqual({
      valid: false,
      reason: 'CHECK_CHAR',
      message: '校验码错误 (wrong check character)',
    });
  });

  describe('organisation-code check and the override list', () => {
    // SYNTHETIC, not a real registered code: the real code 11220000013544541J with its
    // organisation-code check character changed 1 → 2 and the credit-code check recomputed,
    // i.e. the shape of a registered code whose inner check is wrong.
    const first17 = '11220000013544542';
    const synthetic = first17 + creditCodeCheckChar(first17);

    it('is rejected with ORG_CODE_CHECK by default', () => {
      expect(validateCreditCode(synthetic)).toMatchObject({ valid: false, reason: 'ORG_CODE_CHECK' });
    });

    it('is accepted when the inner check is switched off', () => {
      expect(validateCreditCode(synthetic, { checkOrganisationCode: false })).toMatchObject({ valid: true, overridden: false });
    });

    it('is accepted, and flagged, when it is on the override list', () => {
      const overrides = new Set([synthetic]);
      expect(validateCreditCode(synthetic, { overrides })).toMatchObject({ valid: true, overridden: true });
      expect(validateCreditCode(synthetic.toLowerCase(), { overrides })).toMatchObject({ valid: true, overridden: true });
      // the override is for that exact code only
      expect(validateCreditCode('11220000013544543' + creditCodeCheckChar('11220000013544543'), { overrides })).toMatchObject({
        reason: 'ORG_CODE_CHECK',
      });
      // and does not relax the structural checks
      expect(validateCreditCode('1122000001354454IJ', { overrides: new Set(['1122000001354454IJ']) })).toMatchObject({
        reason: 'ALPHABET',
      });
      // a code on the list that passes both checks is not flagged
      expect(validateCreditCode(REAL_CODES[0], { overrides: new Set(REAL_CODES) })).toMatchObject({ valid: true, overridden: false });
    });

    it('the override list also covers a failing final check character', () => {
      const bad = '11330105002500287D';
      expect(validateCreditCode(bad, { overrides: new Set([bad]) })).toMatchObject({ valid: true, overridden: true });
    });
  });

  it('has a Chinese and English message for every reason', () => {
    const reasons: CreditCodeError[] = ['FORMAT', 'ALPHABET', 'CHECK_CHAR', 'ORG_CODE_CHECK'];
    expect(Object.keys(CREDIT_CODE_ERROR_MESSAGES).sort()).toEqual([...reasons].sort());
    for (const reason of reasons) {
      const { zh, en } = CREDIT_CODE_ERROR_MESSAGES[reason];
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
      expect(en).toMatch(/^[\x20-\x7e\u2013]+$/);
      expect(creditCodeErrorMessage(reason)).toBe(`${zh} (${en})`);
    }
  });
});

describe('generateCreditCode', () => {
  it('reproduces a real code from its parts', () => {
    expect(generateCreditCode({ authority: '1', kind: '1', regionCode: '330105', organisationBody: '00250028' })).toBe(
      '11330105002500287C',
    );
  });

  it('defaults to authority 9 (工商), kind 1 (企业)', () => {
    const code = generateCreditCode({ regionCode: '440300', organisationBody: 'MA5F0000' });
    expect(code.slice(0, 2)).toBe('91');
    expect(isCreditCode(code)).toBe(true);
  });

  it.each([
    [{ regionCode: '44030', organisationBody: 'MA5F0000' }],
    [{ regionCode: '44030A', organisationBody: 'MA5F0000' }],
    [{ regionCode: '440300', organisationBody: 'MA5F000' }],
    [{ regionCode: '440300', organisationBody: 'MA5F000I' }],
    [{ regionCode: '440300', organisationBody: 'ma5f0000' }],
    [{ authority: 'Z', regionCode: '440300', organisationBody: 'MA5F0000' }],
    [{ authority: '91', regionCode: '440300', organisationBody: 'MA5F0000' }],
    [{ kind: '', regionCode: '440300', organisationBody: 'MA5F0000' }],
  ])('throws RangeError on %j', (input) => {
    expect(() => generateCreditCode(input)).toThrow(RangeError);
  });
});

describe('credit code properties', () => {
  it('generate → validate round-trips', () => {
    fc.assert(
      fc.property(generateArb, (o) => {
        const code = generateCreditCode(o);
        expect(validateCreditCode(code)).toEqual({
          valid: true,
          normalised: code,
          registrationAuthority: o.authority,
          kind: o.kind,
          regionCode: o.regionCode,
          organisationCode: o.organisationBody + organisationCodeCheckChar(o.organisationBody),
          overridden: false,
        });
      }),
      { numRuns: 500 },
    );
  });

  it('the MOD 31 check alone detects every single-symbol substitution in positions 1–17', () => {
    fc.assert(
      fc.property(fc.string({ unit: symbol, minLength: 17, maxLength: 17 }), fc.nat(16), symbol, (first17, pos, replacement) => {
        fc.pre(first17[pos] !== replacement);
        const mutated = first17.slice(0, pos) + replacement + first17.slice(pos + 1);
        expect(creditCodeCheckChar(mutated)).not.toBe(creditCodeCheckChar(first17));
      }),
      { numRuns: 1000 },
    );
  });

  it('any single-character substitution at any position is rejected, with or without the inner check', () => {
    const replacementArb = fc.constantFrom(...CREDIT_CODE_ALPHABET, ...'IOSVZaxy -');
    fc.assert(
      fc.property(validCodeArb, fc.nat(17), replacementArb, fc.boolean(), (code, pos, replacement, checkOrganisationCode) => {
        fc.pre(replacement.toUpperCase() !== code[pos]); // a case change is normalisation, not a substitution
        const mutated = code.slice(0, pos) + replacement + code.slice(pos + 1);
        expect(validateCreditCode(mutated, { checkOrganisationCode }).valid).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('any transposition of two different adjacent characters is rejected (outer check alone)', () => {
    fc.assert(
      fc.property(validCodeArb, fc.nat(16), (code, pos) => {
        fc.pre(code[pos] !== code[pos + 1]);
        const swapped = code.slice(0, pos) + code[pos + 1] + code[pos] + code.slice(pos + 2);
        expect(validateCreditCode(swapped, { checkOrganisationCode: false }).valid).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('the organisation-code check character is always a digit or X', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'), minLength: 8, maxLength: 8 }), (body) => {
        expect(organisationCodeCheckChar(body)).toMatch(/^[0-9X]$/);
      }),
    );
  });
});
