/**
 * `npm run eval:style [-- --floor 0.7] [--json out.json] [--n 60] [--seeds 1,2,3]`: the style replay
 * benchmark (tools/style/eval.ts). Exit 1 when, after the warm-up, the consistent reviewers pooled are
 * below the floor with memory, or memory does worse than no memory for any reviewer; 2 on a bad option.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatStyleEval, runStyleEval, worseThanWithout } from './eval.js';

let values: Record<string, string | undefined>;
try {
  values = parseArgs({
    options: {
      floor: { type: 'string' },
      json: { type: 'string' },
      n: { type: 'string' },
      warmup: { type: 'string' },
      seeds: { type: 'string' },
    },
  }).values;
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}
const num = (k: string, v: string | undefined, d: number): number => {
  if (v === undefined) return d;
  const x = Number(v);
  if (!Number.isFinite(x) || x < 0) {
    console.error(`--${k} must be a non-negative number (got '${v}')`);
    process.exit(2);
  }
  return x;
};
const floor = num('floor', values.floor, 0);
const seeds = values.seeds ? values.seeds.split(',').map((s) => num('seeds', s, 1)) : undefined;
const t0 = Date.now();
const r = runStyleEval({ n: num('n', values.n, 60), warmup: num('warmup', values.warmup, 20), seeds });
for (const l of formatStyleEval(r)) console.log(l);
console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s`);
if (values.json) writeFileSync(values.json, `${JSON.stringify(r, null, 2)}\n`);
const worse = worseThanWithout(r);
if (worse.length) console.log(`memory did worse than no memory for: ${worse.join(', ')}`);
if (floor && r.consistent_with < floor)
  console.log(`below the floor: ${(r.consistent_with * 100).toFixed(0)} % < ${(floor * 100).toFixed(0)} %`);
process.exitCode = (floor && r.consistent_with < floor) || worse.length ? 1 : 0;
