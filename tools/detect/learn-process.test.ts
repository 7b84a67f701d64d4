import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLearnStep } from './learn-process.js';
import { prepareLearnStep, type LearnStepInit } from './learn-step.js';
import { expandInputs } from '../har/inputs.js';
import { packAndConfig, stageDrop } from './testing.js';
import { loadSpecs } from '../spec/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
// The learning outputs that depend on the rows only (learn-summary.json and drift-profile.json carry
// timings and a generation time).
const OUTPUTS = ['inbox.jsonl', 'labels.jsonl', 'anomalies.jsonl', 'lf-stats.jsonl'];
const read = (dir: string) => OUTPUTS.map((f) => readFileSync(join(dir, f), 'utf8'));

/**
 * `goblin run`'s learning step runs in a process of its own while the parent writes the report. It must
 * write exactly what the in-process step writes, and fall back to running in-process (saying so) when its
 * process dies: the learning layer never fails a run.
 */
describe('the learning step in its own process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-learn-proc-'));
  const hars = join(dir, 'hars'); // where stageDrop writes the drop
  const { pack } = packAndConfig();
  let staging = '';
  // What `goblin run` hands the step with the staging folder: its inputs, expanded, in order.
  const inputs = () => expandInputs([hars], ROOT);
  const init = (out: string): LearnStepInit => ({
    root: ROOT,
    specsDir: 'specs',
    outDir: join(dir, out),
  });

  beforeAll(async () => {
    ({ staging } = await stageDrop(dir, { seed: 5, captures: 16, faultRate: 0.4 }));
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes what the in-process step writes, from the rows the workers staged', async () => {
    const here = await prepareLearnStep(init('in-process'), pack).run(staging, inputs());
    // The process gets the specs the parent read (as `goblin run` sends them), checked there again.
    const specs = loadSpecs(join(ROOT, 'specs'), ROOT);
    const step = startLearnStep({ ...init('process'), specs }, pack);
    step.begin(staging, inputs());
    const message = await step.done();
    expect(message).toMatch(/^learning layer: \d+ sessions labelled/);
    expect(message).not.toMatch(/in-process/);
    expect(here).toMatch(/^learning layer: \d+ sessions labelled/);
    expect(read(join(dir, 'process'))).toEqual(read(join(dir, 'in-process')));
    expect(readdirSync(join(dir, 'process'))).toContain('learn.duckdb');
  }, 60_000);

  it('a learning process that dies is replaced by the in-process step, and the message says why', async () => {
    const dies = join(dir, 'dies.mjs');
    writeFileSync(dies, "process.on('message', () => process.exit(7));\n");
    const step = startLearnStep(init('fallback'), pack, { script: dies, execArgv: [] });
    step.begin(staging, inputs());
    const message = await step.done();
    expect(message).toMatch(/^learning layer: \d+ sessions labelled/);
    expect(message).toMatch(/\(in-process: the learning process exited with code 7\)$/);
    expect(read(join(dir, 'fallback'))).toEqual(read(join(dir, 'in-process')));
  }, 60_000);

  it('a step stopped after it began answers at once instead of leaving the run waiting', async () => {
    const step = startLearnStep(init('stopped'), pack);
    step.begin(staging, inputs());
    step.abort();
    expect(await step.done()).toBe('learning layer skipped: the run stopped before it finished');
  });

  it('a step that never began (the run failed first) is stopped and gives no message', async () => {
    const step = startLearnStep(init('never'), pack);
    expect(await step.done()).toBeNull();
    expect(() => readdirSync(join(dir, 'never'))).toThrow();
  });
});
