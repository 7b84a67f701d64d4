export * from './schema.js';
export * from './vocabulary.js';
export * from './params.js';
