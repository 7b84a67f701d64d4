export * from './schema.js';
export * from './vocabulary.js';
