export * from './current.js';
export * from './ddl.js';
export * from './db.js';
export * from './rows.js';
