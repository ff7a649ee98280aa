import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DemoLicenceSeed } from './licence/demo-licences.seed.js';
import { LicenceAccessLog } from './licence/licence-access-log.entity.js';
import { LicenceQueryService } from './licence/licence-query.service.js';
import { LicenceType } from './licence/licence-type.entity.js';
import { Licence } from './licence/licence.entity.js';
import { LicenceHandler } from './licence/licence.handler.js';
import { LicenceHttpController } from './licence/licence-http.controller.js';
import { DemoClientsSeed } from './identity/demo-clients.seed.js';
import { OidcPayload } from './identity/oidc-payload.entity.js';
import { OidcProviderService } from './identity/oidc-provider.service.js';
import { OidcController } from './identity/oidc.controller.js';
import { SigningKey } from './identity/signing-key.entity.js';
import { SigningKeysService } from './identity/signing-keys.service.js';
import { AccountsService } from './identity/accounts.service.js';
import { IdentityAudit } from './identity/identity-audit.entity.js';
import { InteractionController } from './identity/interaction.controller.js';
import { PersonAccount } from './identity/person-account.entity.js';
import { AgentAuthorisation } from './identity/agent-authorisation.entity.js';
import { AgentsController } from './identity/agents.controller.js';
import { AgentsService } from './identity/agents.service.js';
import { IdentityHandler } from './identity/identity.handler.js';
import { LegalPerson } from './identity/legal-person.entity.js';
import { SessionsController } from './identity/sessions.controller.js';
import { Department } from './identity/department.entity.js';
import { StaffAccount } from './identity/staff-account.entity.js';

/** 技术中台: the capabilities served by tech-capabilities (e-licence; identity's OpenID provider, in progress). */
@Module({
  imports: [TypeOrmModule.forFeature([LicenceType, Licence, LicenceAccessLog, OidcPayload, SigningKey, PersonAccount, IdentityAudit, LegalPerson, AgentAuthorisation, Department, StaffAccount])],
  controllers: [LicenceHandler, LicenceHttpController, OidcController, InteractionController, IdentityHandler, AgentsController, SessionsController],
  providers: [LicenceQueryService, DemoLicenceSeed, SigningKeysService, AccountsService, AgentsService, OidcProviderService, DemoClientsSeed],
})
export class TechCapabilitiesModule {}
