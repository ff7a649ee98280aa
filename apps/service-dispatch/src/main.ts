import 'reflect-metadata';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import { runServiceMain } from '@gmp/service-kit';

await runServiceMain(serviceDispatchService);
