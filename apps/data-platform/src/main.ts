import 'reflect-metadata';
import { dataPlatformService } from '@gmp/feature-data';
import { runServiceMain } from '@gmp/service-kit';

await runServiceMain(dataPlatformService);
