import { LicenceAccessLog } from './licence-access-log.entity.js';
import { LicenceAnnotationRow } from './licence-annotation.entity.js';
import { LicenceDocument } from './licence-document.entity.js';
import { LicenceType } from './licence-type.entity.js';
import { LicenceUseAuthorisation } from './licence-use-authorisation.entity.js';
import { Licence } from './licence.entity.js';
import { CreateLicenceTables1763800100000 } from './migrations/1763800100000-create-licence-tables.migration.js';
import { LicenceLifecycle1763801600000 } from './migrations/1763801600000-licence-lifecycle.migration.js';
import { LicenceUseAuthorisations1763801800000 } from './migrations/1763801800000-licence-use-authorisations.migration.js';
import { LicenceDocuments1763801900000 } from './migrations/1763801900000-licence-documents.migration.js';
import { LicenceUseByAgents1763802000000 } from './migrations/1763802000000-licence-use-by-agents.migration.js';
import { LicenceIssueKeys1763802600000 } from './migrations/1763802600000-licence-issue-keys.migration.js';

/** The tables the e-licence module owns; no other module reads or writes them. */
export const LICENCE_ENTITIES = [LicenceType, Licence, LicenceAccessLog, LicenceAnnotationRow, LicenceUseAuthorisation, LicenceDocument];

/** Its migrations, each with up and down. */
export const LICENCE_MIGRATIONS = [
  CreateLicenceTables1763800100000,
  LicenceLifecycle1763801600000,
  LicenceUseAuthorisations1763801800000,
  LicenceDocuments1763801900000,
  LicenceUseByAgents1763802000000,
  LicenceIssueKeys1763802600000,
];
