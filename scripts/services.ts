import { businessPlatformService } from '@gmp/feature-business';
import { dataPlatformService } from '@gmp/feature-data';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import { techCapabilitiesService } from '@gmp/feature-tech';

export const ALL_SERVICES = [serviceDispatchService, techCapabilitiesService, dataPlatformService, businessPlatformService];
