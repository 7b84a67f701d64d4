#!/usr/bin/env node
// Thin launcher: run the TypeScript CLI through tsx's loader so `npx goblin` works without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../tools/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
