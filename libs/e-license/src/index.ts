export * from './lib/e-licence.client.js';
export { buildLicenceId, isLicenceId, licenceIdCheckChar, parseLicenceId } from '@gmp/gov-standards';
