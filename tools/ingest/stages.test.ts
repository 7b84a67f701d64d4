import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GoblinConfig } from '../config/index.js';
import { loadDictionaryTypes } from '../dictionary/files.js';
import { fileContext } from '../validate/files.js';
import { harDoc, hb, pageView, aaMediaStart } from '../validate/testing/index.js';
import { loadSpecs } from '../spec/index.js';
import { processFile } from './process-file.js';
import { loadStages, prepareStageData } from './stages.js';

const root = resolve(import.meta.dirname, '../..');
const specsDir = join(root, 'specs');
const dir = mkdtempSync(join(tmpdir(), 'goblin-stages-'));

// A web player whose heartbeats go to the customer's own CNAME, allow-listed in the run's config only.
const HOST = 'metrics.acme.com';
const cfg = GoblinConfig.parse({ hosts: { cname_allowlist: { heartbeat: [HOST] } } });

function cnameCapture() {
  const file = join(dir, 'cname.har');
  const at = (t: number, type: string, ph: number) => hb(t, type, ph, { host: HOST });
  writeFileSync(
    file,
    harDoc([
      pageView(-2000),
      aaMediaStart(0),
      at(100, 'start', 0),
      at(200, 'aa_start', 0),
      at(400, 'play', 0),
      at(10_400, 'play', 10),
      at(20_400, 'play', 20),
      at(21_000, 'complete', 20),
      at(21_100, 'end', 20),
    ]),
  );
  const [p] = processFile(
    { abs: file, rel: 'cname.har', size: statSync(file).size, mtimeMs: 0 },
    fileContext(cfg),
  );
  expect(p.file.beacons).toBeGreaterThanOrEqual(8);
  return p.capture!;
}

const codes = (r: { findings: Record<string, unknown>[] }) => r.findings.map((f) => f.code);

describe('ingest stages (validation inside the workers)', () => {
  it('judges hosts with the run’s CNAME allow-list, not the default config in the root', async () => {
    const capture = cnameCapture();
    const withRunConfig = await loadStages({ specsDir, root, cnames: cfg.hosts.cname_allowlist });
    expect(codes(withRunConfig.validator!.validate(capture))).not.toContain('HOST_UNEXPECTED');
    // The same capture judged with an allow-list that lacks the CNAME: the host is unexpected.
    const without = await loadStages({
      specsDir,
      root,
      cnames: GoblinConfig.parse({}).hosts.cname_allowlist,
    });
    expect(codes(without.validator!.validate(capture))).toContain('HOST_UNEXPECTED');
  });

  it('hands the workers the dictionary the parent read once, and validates as if each read it', async () => {
    const data = await prepareStageData({ specsDir, root, cnames: cfg.hosts.cname_allowlist });
    expect(new Map(data!.dictionary)).toEqual(loadDictionaryTypes(join(root, 'dictionary')));
    expect(data!.dictionary.length).toBeGreaterThan(100);
    const spec = { specsDir, root, cnames: cfg.hosts.cname_allowlist };
    const capture = cnameCapture();
    const shared = (await loadStages(spec, data)).validator!.validate(capture);
    const own = (await loadStages(spec)).validator!.validate(capture);
    expect(shared).toEqual(own);
    // A plain ingest validates nothing and reads nothing.
    expect(await prepareStageData(null)).toBeNull();
  });

  it('hands the workers the specs the parent read: checked again, not parsed again, and used as sent', async () => {
    const capture = cnameCapture();
    const base = { specsDir, root, cnames: GoblinConfig.parse({}).hosts.cname_allowlist };
    const read = loadSpecs(specsDir, root);
    // Sent through IPC as JSON: the same verdicts as a worker that reads the folder itself.
    const sent = JSON.parse(JSON.stringify(read)) as typeof read;
    const shared = (await loadStages({ ...base, specs: sent })).validator!;
    expect(shared.validate(capture)).toEqual((await loadStages(base)).validator!.validate(capture));
    expect(codes(shared.validate(capture))).toContain('HOST_UNEXPECTED');
    // The specs sent win over the folder: without the host rule's spec nothing says HOST_UNEXPECTED.
    const hostRule = read.specs.filter((s) => s.spec.fail_codes.includes('HOST_UNEXPECTED' as never));
    expect(hostRule.length).toBeGreaterThan(0);
    const fewer = { ...sent, specs: sent.specs.filter((s) => !hostRule.some((h) => h.path === s.path)) };
    const without = (await loadStages({ ...base, specs: fewer })).validator!;
    expect(codes(without.validate(capture))).not.toContain('HOST_UNEXPECTED');
    // What arrives is checked against the spec schema: a broken message is an error, not a silent pack.
    const broken = { ...sent, specs: [{ ...sent.specs[0], spec: { ...sent.specs[0].spec, severity: 7 } }] };
    // (as a message would bring it: typed as specs, not checked yet)
    await expect(loadStages({ ...base, specs: broken as unknown as typeof read })).rejects.toThrow(
      /severity/,
    );
  });
});
