export * from './lib/tech.clients.js';
