import { cpSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GoblinConfig } from '../config/index.js';
import { importDocument } from '../research/import.js';
import { ensureFreshIndex } from './loop.js';
import { REPO_ROOT } from './testing/repo.js';

describe('the loop keeps the research index fresh', () => {
  const root = mkdtempSync(join(tmpdir(), 'goblin-index-fresh-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('builds a missing index, keeps a fresh one, and rebuilds after a page is added to the cache', async () => {
    const config = GoblinConfig.parse({});
    expect(await ensureFreshIndex(root, config)).toBe('no cache');
    cpSync(join(REPO_ROOT, 'evidence', 'cache'), join(root, config.research.cache_dir), { recursive: true });
    expect(await ensureFreshIndex(root, config)).toBe('rebuilt');
    expect(await ensureFreshIndex(root, config)).toBe('fresh');
    const note = join(root, 'note.md');
    writeFileSync(note, '# Release notes\n\n- 3.2.0: main pings every 20 s.\n');
    importDocument({
      cacheDir: join(root, config.research.cache_dir),
      file: note,
      url: 'https://experienceleague.adobe.com/en/docs/media-analytics/release-notes',
      fetchedAt: new Date(Date.now() + 1000).toISOString(),
    });
    // the cache's index written within a clock tick of the build (it flaked in CI): its time says
    // nothing, its content does
    utimesSync(join(root, config.research.cache_dir, 'index.jsonl'), new Date(0), new Date(0));
    expect(await ensureFreshIndex(root, config)).toBe('rebuilt');
    expect(await ensureFreshIndex(root, config)).toBe('fresh');
  });
});
