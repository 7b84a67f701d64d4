export * from './types.js';
export * from './read.js';
export * from './inputs.js';
export { stripResponseBodies } from './strip-bodies.js';
