import 'reflect-metadata';
import { techCapabilitiesService } from '@gmp/feature-tech';
import { runServiceMain } from '@gmp/service-kit';

await runServiceMain(techCapabilitiesService);
