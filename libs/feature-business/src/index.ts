export * from './lib/business-platform.service.js';
export * from './lib/business-platform.module.js';
export * from './lib/matters/matter-definition.js';
export * from './lib/matters/matter-definition.dto.js';
export * from './lib/bundles/bundle-definition.js';
export * from './lib/bundles/bundle-definition.dto.js';
export * from './lib/bundles/bundle.compiler.js';
export * from './lib/demo/demo-catalogue.js';
