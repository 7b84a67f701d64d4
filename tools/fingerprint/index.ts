export * from './features.js';
export * from './minhash.js';
export * from './shape.js';
export * from './virtual.js';
export * from './eval.js';
export * from './session.js';
