import 'reflect-metadata';
import { businessPlatformService } from '@gmp/feature-business';
import { runServiceMain } from '@gmp/service-kit';

await runServiceMain(businessPlatformService);
