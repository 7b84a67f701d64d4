import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dpoPairs, type PreferenceRecord } from '../pr/feedback.js';
import { parseDpoJsonl } from './dataset.js';
import { dpoPlan, shellLine } from './plan.js';

const REPO = resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'goblin-train-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const python = spawnSync('python3', ['--version']).status === 0;

const rec = (o: Partial<PreferenceRecord>): PreferenceRecord => ({
  prompt_fingerprint: 'det:0',
  bundle_id: 'drift-mc-3.4',
  proposal_id: 'p1',
  spec_id: 'CADENCE_AD_PING_INTERVAL_MEDIA_3_4',
  pr: 1,
  prompt: 'Write a Weird Goblin spec (YAML) for investigate bundle drift-mc-3.4.',
  proposed: 'gap_factor: 1.5\n',
  final: 'gap_factor: 2\n',
  outcome: 'merged_edited',
  diff: '-gap_factor: 1.5\n+gap_factor: 2',
  reason: null,
  opened_at: '2026-03-01T00:00:00Z',
  closed_at: '2026-03-02T00:00:00Z',
  ...o,
});

describe('DPO / LoRA recipe', () => {
  it('the exported pairs are valid DPO rows; a pair with chosen == rejected or an empty side is not', () => {
    const text = dpoPairs([rec({})])
      .map((p) => JSON.stringify(p))
      .join('\n');
    expect(parseDpoJsonl(text)).toEqual({
      rows: [expect.objectContaining({ chosen: 'gap_factor: 2\n' })],
      errors: [],
    });
    const bad = parseDpoJsonl(
      '{"prompt":"p","chosen":"a","rejected":"a"}\n{"prompt":"","chosen":"a","rejected":"b"}\nnot json',
    );
    expect(bad.rows).toHaveLength(0);
    expect(bad.errors).toEqual([
      'line 1: row: chosen and rejected are the same text',
      expect.stringMatching(/^line 2: prompt: /),
      expect.stringMatching(/^line 3: not JSON/),
    ]);
  });

  it('--dry-run plan: export, train, create — with the configured writer as FROM and the adapter as ADAPTER', () => {
    const plan = dpoPlan({ repoRoot: REPO, writer: 'qwen2.5:7b' });
    if ('error' in plan) throw new Error(plan.error);
    expect(plan.commands.map(shellLine)).toEqual([
      'goblin feedback export --dpo --out out/train/dpo.jsonl',
      'python3 tools/train/dpo_lora.py --data out/train/dpo.jsonl --base-model Qwen/Qwen2.5-7B-Instruct --output out/train/dpo-lora',
      'ollama create qwen2.5-goblin-dpo -f out/train/Modelfile',
    ]);
    expect(plan.modelfileText).toMatch(/^FROM qwen2\.5:7b$/m);
    expect(plan.modelfileText).toMatch(/^ADAPTER \.\/dpo-lora$/m);
    expect(dpoPlan({ repoRoot: REPO, writer: 'my-own:1b' })).toEqual({
      error: expect.stringContaining('--base-model'),
    });
  });

  it.skipIf(!python)(
    'the Python recipe compiles, and its arguments parse and check the dataset without torch',
    () => {
      // py_compile with an explicit target: no __pycache__ in the source tree.
      const compile = spawnSync('python3', [
        '-c',
        'import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)',
        join(REPO, 'tools/train/dpo_lora.py'),
        join(tmp, 'dpo_lora.pyc'),
      ]);
      expect(compile.status, compile.stderr?.toString()).toBe(0);
      const data = join(tmp, 'dpo.jsonl');
      writeFileSync(
        data,
        dpoPairs([rec({})])
          .map((p) => JSON.stringify(p))
          .join('\n') + '\n',
      );
      const plan = dpoPlan({ repoRoot: REPO, writer: 'qwen2.5:7b' });
      if ('error' in plan) throw new Error(plan.error);
      // Exactly the plan's train command, with --check (and the dataset here instead of out/train).
      const argv = plan.commands[1].slice(1).map((a) => (a === plan.data ? data : a));
      const r = spawnSync('python3', [...argv, '--check'], { cwd: REPO, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({
        ok: true,
        rows: 1,
        args: { beta: 0.1, lora_r: 16, base_model: 'Qwen/Qwen2.5-7B-Instruct' },
      });
      const bad = spawnSync('python3', [...argv, '--check', '--lora-dropout', '1.5'], {
        cwd: REPO,
        encoding: 'utf8',
      });
      expect(bad.status).toBe(2);
      writeFileSync(data, '{"prompt":"p","chosen":"a","rejected":"a"}\n');
      const same = spawnSync('python3', [...argv, '--check'], { cwd: REPO, encoding: 'utf8' });
      expect([same.status, same.stderr]).toEqual([
        3,
        expect.stringContaining('chosen and rejected are the same text'),
      ]);
    },
  );
});
