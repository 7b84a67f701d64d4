import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_IDS, FAIL_CODES, RENAMED_CHECK_IDS } from '../codes/catalog.js';
import { checkIdForCode } from '../codes/families.js';
import { FAULT_CODES } from '../simulate/faults.js';
import { CHECK_LIST, checkFor } from '../validate/checks/index.js';
import { relaxations } from './constitution.js';
import { discoverChecks, generate, orderChecks } from './generate.js';
import type { LoadedSpec } from './schema.js';

const root = resolve(import.meta.dirname, '../..');

describe('generated from the check definitions', () => {
  it('catalog, registry, check READMEs, specs/README section and schemas are fresh (npm run rules:gen)', async () => {
    expect(await generate(root, { check: true })).toEqual([]);
  });

  it('the catalog lists exactly the codes and check ids the folders define, in registry order', async () => {
    const found = await discoverChecks(root);
    expect(found.map((f) => f.def.id).sort()).toEqual([...CHECK_IDS].sort());
    expect(CHECK_LIST.map((c) => c.id)).toEqual([...CHECK_IDS]);
    expect(FAIL_CODES.map((c) => c.code)).toEqual(CHECK_LIST.flatMap((c) => c.codes));
    for (const c of FAIL_CODES) {
      const def = checkFor(c.check)!;
      expect(def.codeDefs.find((d) => d.code === c.code)).toMatchObject({
        severity: c.severity,
        definition: c.definition,
      });
      expect(def.family).toBe(c.family);
    }
    for (const [old, now] of Object.entries(RENAMED_CHECK_IDS)) expect(checkFor(old)?.id).toBe(now);
  });

  it('names every check after its first code and keeps it in the folder of that name', async () => {
    for (const f of await discoverChecks(root)) {
      expect(f.def.id).toBe(checkIdForCode(f.def.family, f.def.codes[0]));
      expect(f.dir).toBe(f.def.id.replace('.', '/'));
    }
  });

  it('keeps a shipped code in place and appends a new check at the end (the catalog is append-only)', async () => {
    const found = await discoverChecks(root);
    const reversed = orderChecks(
      [...found].reverse(),
      FAIL_CODES.map((c) => c.code),
    );
    expect(reversed.map((f) => f.def.id)).toEqual([...CHECK_IDS]);
    const shipped = FAIL_CODES.map((c) => c.code).filter((c) => c !== 'PLAYHEAD_STALLED');
    expect(orderChecks(found, shipped).at(-1)!.def.id).toBe('playhead.stalled');
  });

  it("the simulator's fault table is the checks' fault definitions, in catalog order", () => {
    expect(FAULT_CODES).toEqual(FAIL_CODES.filter((c) => checkFor(c.check)?.fault).map((c) => c.code));
    expect(FAULT_CODES.length).toBeGreaterThanOrEqual(30);
  });

  it("the constitution's relaxation test follows each check's declared directions", () => {
    let tried = 0;
    for (const def of CHECK_LIST) {
      const defaults = def.params.parse(def.id === 'params.missing_required' ? { events: {} } : {}) as Record<
        string,
        unknown
      >;
      for (const [param, dir] of Object.entries(def.relaxes ?? {})) {
        const base = defaults[param];
        const looser =
          dir === 'up' ? Number(base) * 2 : dir === 'down' ? Number(base) / 2 : `${String(base)}|x`;
        const tighter = dir === 'up' ? Number(base) / 2 : dir === 'down' ? Number(base) * 2 : base;
        const spec = (value: unknown) =>
          ({
            spec: { assert: [{ check: def.id, enabled: true, params: { [param]: value } }] },
            path: 'specs/x.yaml',
            source: '',
          }) as unknown as LoadedSpec;
        expect(
          relaxations(spec(looser)).map((r) => r.check),
          `${def.id} ${param} ${dir}`,
        ).toEqual([def.id]);
        expect(relaxations(spec(tighter)), `${def.id} ${param} tighter`).toEqual([]);
        tried++;
      }
    }
    expect(tried).toBeGreaterThanOrEqual(20);
  });
});
