import * as api from './index.js';

describe('@gmp/gov-standards public entry', () => {
  it('exports the whole API', () => {
    const functions = [
      'citizenIdCheckChar',
      'validateCitizenId',
      'isCitizenId',
      'generateCitizenId',
      'upgradeLegacyCitizenId',
      'citizenIdErrorMessage',
      'creditCodeCheckChar',
      'organisationCodeCheckChar',
      'validateCreditCode',
      'isCreditCode',
      'generateCreditCode',
      'creditCodeErrorMessage',
      'licenceIdCheckChar',
      'buildLicenceId',
      'parseLicenceId',
      'isLicenceId',
      'licenceIdErrorMessage',
      'formatBilingual',
    ];
    for (const name of functions) expect(typeof (api as Record<string, unknown>)[name]).toBe('function');
    expect(api.CREDIT_CODE_ALPHABET).toBe('0123456789ABCDEFGHJKLMNPQRTUWXY');
    expect(api.LICENCE_ID_PREFIX).toBe('1.2.156.3005.2');
  });

  it('works end to end through the alias', () => {
    expect(api.isCitizenId('11010519491231002X')).toBe(true);
    expect(api.isCreditCode('11100000000013338W')).toBe(true);
    expect(api.isLicenceId('1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0')).toBe(true);
  });
});
