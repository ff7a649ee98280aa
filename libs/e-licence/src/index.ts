export * from './lib/e-licence.client.js';
export { chineseDate, defaultLicenceFontPath, type LicenceSheet, loadLicenceFont, renderLicencePdf } from './lib/licence-pdf.js';
export { buildLicenceId, isLicenceId, licenceIdCheckChar, parseLicenceId } from '@gmp/gov-standards';
