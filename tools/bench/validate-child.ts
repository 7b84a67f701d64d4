/**
 * The validator's bench in a process of its own, started from a bundle like the ingest workers
 * (tools/ingest/worker-bundle.ts): the validator is timed as it runs in `goblin run`, not through tsx's
 * transform, which gives every function a `name` property at the moment it is created (esbuild's
 * keepNames) — in checks that make closures per session that was ~10 % of the bench's time in a profile
 * (docs/measured.md, "The validator's bench as the workers run it").
 */
import { benchValidate } from './validate.js';

const [root, sessions, events] = process.argv.slice(2);
const result = await benchValidate(root, Number(sessions), Number(events));
process.stdout.write(JSON.stringify(result) + '\n');
