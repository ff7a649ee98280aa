export * from './lib/message.util.js';
export * from './lib/citizen-id.util.js';
export * from './lib/credit-code.util.js';
export * from './lib/licence-id.util.js';
export * from './lib/synthetic-subjects.js';
export * from './lib/working-day-calendar.js';
export * from './lib/china-day.util.js';
export * from './lib/region.util.js';
