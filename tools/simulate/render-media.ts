// The media renderers, one module per wire format; this module keeps their common import path.
export * from './sim-context.js';
export * from './render-aa.js';
export * from './render-heartbeat.js';
export * from './render-mc.js';
export * from './render-edge.js';
