import fc from 'fast-check';
import {
  CITIZEN_ID_ERROR_MESSAGES,
  citizenIdCheckChar,
  citizenIdErrorMessage,
  generateCitizenId,
  isCitizenId,
  upgradeLegacyCitizenId,
  validateCitizenId,
  type CitizenIdError,
} from './citizen-id.util.js';

/** A fixed "now" so that the tests do not depend on the day they run. */
const TODAY = new Date('2025-06-15T04:00:00Z'); // 2025-06-15 12:00 in China
const opts = { today: TODAY };

/** Builds 17 digits + the correct check character (date not validated). */
function withCheck(first17: string): string {
  return first17 + citizenIdCheckChar(first17);
}

const digit = fc.constantFrom(...'0123456789');
const regionArb = fc.string({ unit: digit, minLength: 6, maxLength: 6 });
const pastDateArb = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2025-06-15T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const validIdArb = fc
  .record({ regionCode: regionArb, birthDate: pastDateArb, sequence: fc.integer({ min: 0, max: 999 }) })
  .map((o) => generateCitizenId(o));

describe('citizenIdCheckChar (ISO 7064 MOD 11-2)', () => {
  it('reproduces the STANDARDS.md example 11010519491231002 → X', () => {
    expect(citizenIdCheckChar('11010519491231002')).toBe('X');
  });

  it('computes digit check characters', () => {
    // S = Σ a_i·W_i for 11010519491231001 is 1 less than for ...002 (W17 = 2), so S%11 moves from 2 to 0.
    expect(citizenIdCheckChar('11010519491231001')).toBe('1');
    expect(citizenIdCheckChar('00000000000000000')).toBe('1');
  });

  it('rejects anything but 17 digits', () => {
    for (const bad of ['', '1101051949123100', '110105194912310021', '1101051949123100X', '11010519491231 02']) {
      expect(() => citizenIdCheckChar(bad)).toThrow(RangeError);
    }
  });
});

describe('validateCitizenId', () => {
  it('accepts the STANDARDS.md example and decodes it', () => {
    expect(validateCitizenId('11010519491231002X', opts)).toEqual({
      valid: true,
      normalised: '11010519491231002X',
      birthDate: '1949-12-31',
      sex: 'female',
      regionCode: '110105',
    });
  });

  it('upper-cases a lowercase x and returns the normalised value', () => {
    const result = validateCitizenId('11010519491231002x', opts);
    expect(result).toMatchObject({ valid: true, normalised: '11010519491231002X' });
  });

  it('reads the sex from the parity of the 17th digit', () => {
    expect(validateCitizenId(withCheck('11010519491231001'), opts)).toMatchObject({ valid: true, sex: 'male' });
    expect(validateCitizenId(withCheck('11010519491231002'), opts)).toMatchObject({ valid: true, sex: 'female' });
  });

  it.each([
    ['empty', ''],
    ['17 characters', '11010519491231002'],
    ['19 characters', '11010519491231002X1'],
    ['15-digit legacy form', '110105491231002'],
    ['X not last', '1101051949123100X2'],
    ['letter inside', '1101051949A231002X'],
    ['surrounding space', ' 11010519491231002X'],
    ['full-width digits', '１１０１０５１９４９１２３１００２Ｘ'],
  ])('FORMAT: %s', (_label, id) => {
    expect(validateCitizenId(id, opts)).toMatchObject({ valid: false, reason: 'FORMAT' });
  });

  it('FORMAT for a non-string from untyped callers', () => {
    expect(validateCitizenId(undefined as unknown as string, opts)).toMatchObject({ valid: false, reason: 'FORMAT' });
    expect(validateCitizenId(110105194912310020 as unknown as string, opts)).toMatchObject({ valid: false, reason: 'FORMAT' });
  });

  it.each([
    ['30 February', '19490230'],
    ['29 February in a non-leap century year', '19000229'],
    ['month 13', '19491301'],
    ['month 00', '19490001'],
    ['day 00', '19491200'],
    ['31 April', '19490431'],
    ['year 0000', '00000101'],
  ])('DATE: %s (%s) even with a correct check character', (_label, date) => {
    expect(validateCitizenId(withCheck(`110105${date}002`), opts)).toMatchObject({ valid: false, reason: 'DATE' });
  });

  it('accepts 29 February in leap years', () => {
    expect(isCitizenId(withCheck('11010520000229002'), opts)).toBe(true);
    expect(isCitizenId(withCheck('11010519960229002'), opts)).toBe(true);
  });

  it('FUTURE_DATE: born tomorrow (China time); born today is fine', () => {
    expect(validateCitizenId(withCheck('11010520250616002'), opts)).toMatchObject({ valid: false, reason: 'FUTURE_DATE' });
    expect(validateCitizenId(withCheck('11010520250615002'), opts)).toMatchObject({ valid: true, birthDate: '2025-06-15' });
  });

  it('takes "today" in China Standard Time (UTC+8), whatever the server time zone', () => {
    // 2025-01-01T16:30Z is already 2025-01-02 00:30 in Beijing.
    const lateUtc = { today: new Date('2025-01-01T16:30:00Z') };
    expect(isCitizenId(withCheck('11010520250102002'), lateUtc)).toBe(true);
    const earlyUtc = { today: new Date('2025-01-01T15:30:00Z') };
    expect(validateCitizenId(withCheck('11010520250102002'), earlyUtc)).toMatchObject({ reason: 'FUTURE_DATE' });
  });

  it('uses the real current date by default', () => {
    expect(validateCitizenId(withCheck('11010599991231002'))).toMatchObject({ valid: false, reason: 'FUTURE_DATE' });
    expect(isCitizenId('11010519491231002X')).toBe(true);
  });

  it('CHECK_CHAR: wrong check character', () => {
    expect(validateCitizenId('110105194912310021', opts)).toEqual({
      valid: false,
      reason: 'CHECK_CHAR',
      message: '校验码错误 (wrong check character)',
    });
  });

  it('has a Chinese and English message for every reason', () => {
    const reasons: CitizenIdError[] = ['FORMAT', 'DATE', 'FUTURE_DATE', 'CHECK_CHAR'];
    expect(Object.keys(CITIZEN_ID_ERROR_MESSAGES).sort()).toEqual([...reasons].sort());
    for (const reason of reasons) {
      const { zh, en } = CITIZEN_ID_ERROR_MESSAGES[reason];
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
      expect(en).toMatch(/^[\x20-\x7e]+$/);
      expect(citizenIdErrorMessage(reason)).toBe(`${zh} (${en})`);
    }
  });
});

describe('generateCitizenId', () => {
  it('builds region + date + padded sequence + check character', () => {
    expect(generateCitizenId({ regionCode: '110105', birthDate: '1949-12-31', sequence: 2 })).toBe('11010519491231002X');
    expect(generateCitizenId({ regionCode: '440300', birthDate: '2000-02-29', sequence: 999 })).toMatch(/^44030020000229999[\dX]$/);
  });

  it.each([
    [{ regionCode: '11010', birthDate: '1949-12-31', sequence: 2 }],
    [{ regionCode: '11010A', birthDate: '1949-12-31', sequence: 2 }],
    [{ regionCode: '110105', birthDate: '19491231', sequence: 2 }],
    [{ regionCode: '110105', birthDate: '1949-02-30', sequence: 2 }],
    [{ regionCode: '110105', birthDate: '1949-12-31', sequence: -1 }],
    [{ regionCode: '110105', birthDate: '1949-12-31', sequence: 1000 }],
    [{ regionCode: '110105', birthDate: '1949-12-31', sequence: 1.5 }],
  ])('throws RangeError on %j', (input) => {
    expect(() => generateCitizenId(input)).toThrow(RangeError);
  });
});

describe('upgradeLegacyCitizenId', () => {
  it('inserts 19 before the year and appends the check character', () => {
    expect(upgradeLegacyCitizenId('110105491231002')).toBe('11010519491231002X');
  });

  it.each(['', '11010549123100', '1101054912310021', '11010549123100X', '110105490230002'])('throws RangeError on %j', (bad) => {
    expect(() => upgradeLegacyCitizenId(bad)).toThrow(RangeError);
  });
});

describe('citizen ID properties', () => {
  it('generate → validate round-trips', () => {
    fc.assert(
      fc.property(regionArb, pastDateArb, fc.integer({ min: 0, max: 999 }), (regionCode, birthDate, sequence) => {
        const id = generateCitizenId({ regionCode, birthDate, sequence });
        expect(validateCitizenId(id, opts)).toEqual({
          valid: true,
          normalised: id,
          birthDate,
          sex: sequence % 2 === 1 ? 'male' : 'female',
          regionCode,
        });
      }),
      { numRuns: 500 },
    );
  });

  it('MOD 11-2 alone detects every single-digit substitution in positions 1–17', () => {
    fc.assert(
      fc.property(fc.string({ unit: digit, minLength: 17, maxLength: 17 }), fc.nat(16), digit, (first17, pos, replacement) => {
        fc.pre(first17[pos] !== replacement);
        const mutated = first17.slice(0, pos) + replacement + first17.slice(pos + 1);
        expect(citizenIdCheckChar(mutated)).not.toBe(citizenIdCheckChar(first17));
      }),
      { numRuns: 1000 },
    );
  });

  it('any single-character substitution at any position of a valid ID is rejected', () => {
    const replacementArb = fc.constantFrom(...'0123456789XxAZ -*０');
    fc.assert(
      fc.property(validIdArb, fc.nat(17), replacementArb, (id, pos, replacement) => {
        // x ↔ X is normalisation, not a substitution.
        fc.pre(replacement.toUpperCase() !== id[pos]);
        const mutated = id.slice(0, pos) + replacement + id.slice(pos + 1);
        expect(validateCitizenId(mutated, opts).valid).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('any transposition of two different adjacent characters is rejected', () => {
    fc.assert(
      fc.property(validIdArb, fc.nat(16), (id, pos) => {
        fc.pre(id[pos] !== id[pos + 1]);
        const swapped = id.slice(0, pos) + id[pos + 1] + id[pos] + id.slice(pos + 2);
        expect(validateCitizenId(swapped, opts).valid).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('impossible calendar dates are rejected with DATE even when the check character is right', () => {
    const impossibleDate = fc.oneof(
      // a day past the end of the month
      fc
        .record({ y: fc.integer({ min: 1900, max: 2024 }), m: fc.integer({ min: 1, max: 12 }), extra: fc.integer({ min: 1, max: 10 }) })
        .map(({ y, m, extra }) => {
          const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
          return { y, m, d: last + extra };
        })
        .filter(({ d }) => d <= 99),
      // month 00 or 13–99
      fc.record({
        y: fc.integer({ min: 1900, max: 2024 }),
        m: fc.oneof(fc.constant(0), fc.integer({ min: 13, max: 99 })),
        d: fc.integer({ min: 1, max: 28 }),
      }),
      // day 00
      fc.record({ y: fc.integer({ min: 1900, max: 2024 }), m: fc.integer({ min: 1, max: 12 }), d: fc.constant(0) }),
    );
    fc.assert(
      fc.property(regionArb, impossibleDate, fc.integer({ min: 0, max: 999 }), (region, { y, m, d }, seq) => {
        const first17 = `${region}${y}${pad2(m)}${pad2(d)}${String(seq).padStart(3, '0')}`;
        expect(validateCitizenId(withCheck(first17), opts)).toMatchObject({ valid: false, reason: 'DATE' });
      }),
      { numRuns: 500 },
    );
  });

  it('birth dates after today are rejected with FUTURE_DATE', () => {
    const futureDate = fc
      .date({ min: new Date('2025-06-16T00:00:00Z'), max: new Date('2999-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(regionArb, futureDate, fc.integer({ min: 0, max: 999 }), (regionCode, birthDate, sequence) => {
        const id = generateCitizenId({ regionCode, birthDate, sequence });
        expect(validateCitizenId(id, opts)).toMatchObject({ valid: false, reason: 'FUTURE_DATE' });
      }),
      { numRuns: 300 },
    );
  });

  it('upgrading a legacy 15-digit number gives a valid ID with the same fields', () => {
    const legacyDate = fc
      .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('1999-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(regionArb, legacyDate, fc.integer({ min: 0, max: 999 }), (region, date, seq) => {
        const id15 = `${region}${date.slice(2).replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
        const id18 = upgradeLegacyCitizenId(id15);
        expect(id18).toBe(generateCitizenId({ regionCode: region, birthDate: date, sequence: seq }));
        expect(id18.slice(0, 6) + id18.slice(8, 17)).toBe(id15);
        expect(validateCitizenId(id18, opts)).toMatchObject({ valid: true, birthDate: date });
      }),
      { numRuns: 300 },
    );
  });
});

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
