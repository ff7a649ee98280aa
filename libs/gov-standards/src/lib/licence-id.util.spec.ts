import fc from 'fast-check';
import { CREDIT_CODE_ALPHABET, creditCodeCheckChar, generateCreditCode } from './credit-code.util.js';
import {
  LICENCE_ID_CHARSET,
  LICENCE_ID_ERROR_MESSAGES,
  buildLicenceId,
  isLicenceId,
  licenceIdCheckChar,
  licenceIdErrorMessage,
  parseLicenceId,
  type LicenceIdError,
} from './licence-id.util.js';

/** The three real identifiers quoted in STANDARDS.md. */
const REAL_IDS = [
  {
    id: '1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.001.F',
    typeCode: '11100000000013338W032',
    issuerCode: '11220000013544541J',
    serial: '2430599',
    version: '001',
    check: 'F',
  },
  {
    id: '1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U',
    typeCode: '11100000000013338W011',
    issuerCode: '11430000006122244L',
    serial: '20230000403',
    version: '001',
    check: 'U',
  },
  {
    id: '1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0',
    typeCode: '11100000000013338W009',
    issuerCode: '11330105002500287C',
    serial: '2025052201',
    version: '002',
    check: '0',
  },
] as const;

const REAL = REAL_IDS[0].id;

/** Reference MOD 37,36 running state, written directly from STANDARDS.md for the tests. */
function state(body: string): number {
  let p = 36;
  for (const c of body) {
    const s = p + LICENCE_ID_CHARSET.indexOf(c);
    p = (2 * (s % 36 || 36)) % 37;
  }
  return p;
}
const val = (c: string): number => LICENCE_ID_CHARSET.indexOf(c);
/** True when two characters' values differ by exactly 1 modulo 36 (e.g. 0/1, A/B, Z/0). */
const neighbours = (a: string, b: string): boolean => [1, 35].includes(Math.abs(val(a) - val(b)));

const charArb = fc.constantFrom(...LICENCE_ID_CHARSET);
const bodyArb = fc.string({ unit: charArb, minLength: 1, maxLength: 60 });
const symbol = fc.constantFrom(...CREDIT_CODE_ALPHABET);
const creditCodeArb = fc
  .record({
    authority: symbol,
    kind: symbol,
    regionCode: fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 6, maxLength: 6 }),
    organisationBody: fc.string({ unit: symbol, minLength: 8, maxLength: 8 }),
  })
  .map((o) => generateCreditCode(o));
const partsArb = fc.record({
  typeCode: fc.tuple(creditCodeArb, fc.integer({ min: 0, max: 999 })).map(([c, n]) => c + String(n).padStart(3, '0')),
  issuerCode: creditCodeArb,
  serial: fc.string({ unit: charArb, minLength: 1, maxLength: 40 }),
  version: fc.integer({ min: 0, max: 999 }),
});
const validIdArb = partsArb.map((p) => buildLicenceId(p));

describe('licenceIdCheckChar (ISO/IEC 7064 MOD 37,36 hybrid)', () => {
  it.each(REAL_IDS)('reproduces the check character of $id', ({ typeCode, issuerCode, serial, version, check }) => {
    expect(licenceIdCheckChar(typeCode + issuerCode + serial + version)).toBe(check);
  });

  it('makes (P + val(check)) % 36 == 1 for the final running state P', () => {
    fc.assert(
      fc.property(fc.string({ unit: charArb, maxLength: 60 }), (body) => {
        expect((state(body) + val(licenceIdCheckChar(body))) % 36).toBe(1);
      }),
      { numRuns: 1000 },
    );
  });

  it('folds lower case to upper case and rejects other characters', () => {
    expect(licenceIdCheckChar('abc123')).toBe(licenceIdCheckChar('ABC123'));
    for (const bad of ['2430599.001', '24305-99', '证照', ' 1']) expect(() => licenceIdCheckChar(bad)).toThrow(RangeError);
  });
});

describe('parseLicenceId', () => {
  it.each(REAL_IDS)('accepts the real identifier $id', ({ id, typeCode, issuerCode, serial, version, check }) => {
    expect(parseLicenceId(id)).toEqual({
      valid: true,
      normalised: id,
      typeCode,
      definingAuthorityCode: '11100000000013338W',
      typeSequence: typeCode.slice(18),
      issuerCode,
      serial,
      version,
      check,
    });
    expect(isLicenceId(id)).toBe(true);
  });

  it('accepts lower case and returns the upper-case form', () => {
    const uuidSerial = buildLicenceId({
      typeCode: '11100000000013338W032',
      issuerCode: '11220000013544541J',
      serial: '3f2504e04f8941d39a0c0305e82c3301',
      version: 1,
    });
    expect(uuidSerial).toBe(uuidSerial.toUpperCase());
    expect(parseLicenceId(uuidSerial.toLowerCase())).toMatchObject({
      valid: true,
      normalised: uuidSerial,
      serial: '3F2504E04F8941D39A0C0305E82C3301',
    });
  });

  it.each([
    ['empty', ''],
    ['too few parts', '1.2.156.3005.2.11100000000013338W032.11220000013544541J.001.F'],
    ['too many parts', '1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430.599.001.F'],
    ['empty serial', '1.2.156.3005.2.11100000000013338W032.11220000013544541J..001.F'],
    ['hyphen in serial', '1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430-599.001.F'],
    ['two check characters', '1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.001.FF'],
    ['no check character', '1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.001.'],
  ])('FORMAT: %s', (_label, id) => {
    expect(parseLicenceId(id)).toMatchObject({ valid: false, reason: 'FORMAT' });
  });

  it.each([
    ['1.2.156.3005.3.11100000000013338W032.11220000013544541J.2430599.001.F'],
    ['1.2.840.3005.2.11100000000013338W032.11220000013544541J.2430599.001.F'],
    ['1.2.156.30052..11100000000013338W032.11220000013544541J.2430599.001.F'],
  ])('PREFIX: %s', (id) => {
    expect(parseLicenceId(id)).toMatchObject({ valid: false, reason: 'PREFIX' });
  });

  it.each([
    ['authority code fails its check', '1.2.156.3005.2.11100000000013338X032.11220000013544541J.2430599.001.F'],
    ['20 characters', '1.2.156.3005.2.11100000000013338W03.11220000013544541J.2430599.001.F'],
    ['letter in the sequence', '1.2.156.3005.2.11100000000013338W03A.11220000013544541J.2430599.001.F'],
  ])('TYPE_CODE: %s', (_label, id) => {
    expect(parseLicenceId(id)).toMatchObject({ valid: false, reason: 'TYPE_CODE' });
  });

  it.each([
    ['fails its check', '1.2.156.3005.2.11100000000013338W032.11220000013544541K.2430599.001.F'],
    ['17 characters', '1.2.156.3005.2.11100000000013338W032.1122000001354454J.2430599.001.F'],
  ])('ISSUER_CODE: %s', (_label, id) => {
    expect(parseLicenceId(id)).toMatchObject({ valid: false, reason: 'ISSUER_CODE' });
  });

  it.each([['01'], ['0001'], ['00A']])('VERSION: %s', (version) => {
    expect(parseLicenceId(`1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.${version}.F`)).toMatchObject({
      valid: false,
      reason: 'VERSION',
    });
  });

  it('CHECK_CHAR: wrong check character', () => {
    expect(parseLicenceId(REAL.replace(/F$/, 'G'))).toEqual({
      valid: false,
      reason: 'CHECK_CHAR',
      message: '校验码错误 (wrong check character)',
    });
  });

  it('passes credit-code options through (e.g. an override list for the issuer)', () => {
    // SYNTHETIC issuer: real code 11220000013544541J with its organisation-code check character changed.
    const issuer = '11220000013544542' + creditCodeCheckChar('11220000013544542');
    const typeCode = '11100000000013338W032';
    const check = licenceIdCheckChar(typeCode + issuer + '1' + '001');
    const id = `1.2.156.3005.2.${typeCode}.${issuer}.1.001.${check}`;
    expect(parseLicenceId(id)).toMatchObject({ valid: false, reason: 'ISSUER_CODE' });
    expect(parseLicenceId(id, { creditCodeOptions: { overrides: new Set([issuer]) } })).toMatchObject({ valid: true, issuerCode: issuer });
  });

  it('has a Chinese and English message for every reason', () => {
    const reasons: LicenceIdError[] = ['FORMAT', 'PREFIX', 'TYPE_CODE', 'ISSUER_CODE', 'VERSION', 'CHECK_CHAR'];
    expect(Object.keys(LICENCE_ID_ERROR_MESSAGES).sort()).toEqual([...reasons].sort());
    for (const reason of reasons) {
      const { zh, en } = LICENCE_ID_ERROR_MESSAGES[reason];
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
      expect(en).toMatch(/^[\x20-\x7e]+$/);
      expect(licenceIdErrorMessage(reason)).toBe(`${zh} (${en})`);
    }
  });
});

describe('buildLicenceId', () => {
  it.each(REAL_IDS)('rebuilds $id from its parts', ({ id, typeCode, issuerCode, serial, version }) => {
    expect(buildLicenceId({ typeCode, issuerCode, serial, version })).toBe(id);
    expect(buildLicenceId({ typeCode, issuerCode, serial, version: Number(version) })).toBe(id);
  });

  const good = { typeCode: '11100000000013338W032', issuerCode: '11220000013544541J', serial: '2430599', version: 1 };
  it.each([
    ['empty serial', { ...good, serial: '' }],
    ['dot in serial', { ...good, serial: '2430.599' }],
    ['bad type code', { ...good, typeCode: '11100000000013338W32' }],
    ['bad issuer', { ...good, issuerCode: '11220000013544541K' }],
    ['version 1000', { ...good, version: 1000 }],
    ['version -1', { ...good, version: -1 }],
    ['version 1.5', { ...good, version: 1.5 }],
    ['version "1"', { ...good, version: '1' }],
  ])('throws RangeError: %s', (_label, input) => {
    expect(() => buildLicenceId(input)).toThrow(RangeError);
  });
});

describe('licence identifier properties', () => {
  it('build → parse round-trips', () => {
    fc.assert(
      fc.property(partsArb, (p) => {
        const id = buildLicenceId(p);
        expect(parseLicenceId(id)).toMatchObject({
          valid: true,
          normalised: id,
          typeCode: p.typeCode,
          issuerCode: p.issuerCode,
          serial: p.serial,
          version: String(p.version).padStart(3, '0'),
        });
      }),
      { numRuns: 500 },
    );
  });

  it('MOD 37,36 detects every single-character substitution in the body', () => {
    fc.assert(
      fc.property(bodyArb, fc.nat(), charArb, (body, n, replacement) => {
        const pos = n % body.length;
        fc.pre(body[pos] !== replacement);
        const mutated = body.slice(0, pos) + replacement + body.slice(pos + 1);
        expect(licenceIdCheckChar(mutated)).not.toBe(licenceIdCheckChar(body));
      }),
      { numRuns: 2000 },
    );
  });

  it('any single-character substitution at any position of a valid identifier is rejected', () => {
    const replacementArb = fc.constantFrom(...LICENCE_ID_CHARSET, ...'.abz-_ ');
    fc.assert(
      fc.property(validIdArb, fc.nat(), replacementArb, (id, n, replacement) => {
        const pos = n % id.length;
        fc.pre(replacement.toUpperCase() !== id[pos]); // a case change is normalisation, not a substitution
        const mutated = id.slice(0, pos) + replacement + id.slice(pos + 1);
        expect(parseLicenceId(mutated).valid).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  /*
   * Adjacent transpositions: the hybrid MOD 37,36 system does NOT detect all of them. Swapping
   * two characters whose values differ by 1 (mod 36) is missed when the running state P before
   * them satisfies P + lower ≡ 18 (mod 36) (lower = the one whose value + 1 ≡ the other's; Z for Z/0), e.g. after '9' (P = 18) '01' and '10' give the same
   * check character. The tests below pin down exactly what holds.
   */
  it('counter-example: some adjacent transpositions of neighbouring values are not detected', () => {
    expect(state('9')).toBe(18);
    expect(licenceIdCheckChar('901')).toBe(licenceIdCheckChar('910'));
    // the same at the end: body '90' + check '1' and body '91' + check '0'
    expect(licenceIdCheckChar('90')).toBe('1');
    expect(licenceIdCheckChar('91')).toBe('0');
  });

  it('exhaustively: of all 36 states × 630 character pairs, exactly 36 transpositions go undetected, all of neighbouring values', () => {
    const missed: string[] = [];
    for (const first of LICENCE_ID_CHARSET) {
      for (let a = 0; a < 36; a++) {
        for (let b = a + 1; b < 36; b++) {
          const x = LICENCE_ID_CHARSET[a]!;
          const y = LICENCE_ID_CHARSET[b]!;
          if (licenceIdCheckChar(first + x + y) === licenceIdCheckChar(first + y + x)) missed.push(first + x + y);
        }
      }
    }
    // every state 1..36 is reached after exactly one character
    expect(new Set([...LICENCE_ID_CHARSET].map((c) => state(c))).size).toBe(36);
    expect(missed).toHaveLength(36);
    for (const m of missed) {
      expect(neighbours(m[1]!, m[2]!)).toBe(true);
      // the lower of the two (Z for the pair Z/0) plus the state before them is 18 mod 36
      const lower = (val(m[1]!) + 1) % 36 === val(m[2]!) ? m[1]! : m[2]!;
      expect((state(m[0]!) + val(lower)) % 36).toBe(18);
    }
  });

  it('MOD 37,36 detects every adjacent transposition of characters whose values are not neighbours', () => {
    fc.assert(
      fc.property(fc.string({ unit: charArb, minLength: 2, maxLength: 60 }), fc.nat(), (body, n) => {
        const pos = n % (body.length - 1);
        fc.pre(body[pos] !== body[pos + 1] && !neighbours(body[pos]!, body[pos + 1]!));
        const swapped = body.slice(0, pos) + body[pos + 1] + body[pos] + body.slice(pos + 2);
        expect(licenceIdCheckChar(swapped)).not.toBe(licenceIdCheckChar(body));
      }),
      { numRuns: 2000 },
    );
  });

  it('a valid identifier with two adjacent characters swapped is rejected unless they are neighbouring values', () => {
    fc.assert(
      fc.property(validIdArb, fc.nat(), (id, n) => {
        const pos = n % (id.length - 1);
        const [a, b] = [id[pos]!, id[pos + 1]!];
        fc.pre(a !== b && !(a !== '.' && b !== '.' && neighbours(a, b)));
        const swapped = id.slice(0, pos) + b + a + id.slice(pos + 2);
        expect(parseLicenceId(swapped).valid).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});
