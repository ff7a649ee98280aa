import { Module } from '@nestjs/common';
import { BundlesModule } from './bundles/bundles.module.js';
import { DemoBusinessCatalogueSeed } from './demo/demo-catalogue.seed.js';
import { MattersModule } from './matters/matters.module.js';

/**
 * 业务中台: the matter catalogue (事项) and bundles (一件事) compiled into plans. Applications,
 * cases and back-office dispatch arrive next (docs/business-platform.md).
 */
@Module({
  imports: [MattersModule, BundlesModule],
  providers: [DemoBusinessCatalogueSeed],
})
export class BusinessPlatformModule {}
