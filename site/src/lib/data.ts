// Build-time access to the site data (read once per build from GOBLIN_SITE_DATA_DIR).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SiteData, SiteSession, SiteSpec } from '../../../tools/publish/site-schema';

let cached: SiteData | undefined;

export function dataDir(): string {
  if (process.env.GOBLIN_SITE_DATA_DIR) return process.env.GOBLIN_SITE_DATA_DIR;
  for (const c of ['src/data/generated', 'site/src/data/generated']) {
    const p = resolve(process.cwd(), c);
    if (existsSync(join(p, 'site-data.json'))) return p;
  }
  throw new Error(
    'site data not found: run `npm run site:build` (it writes site/src/data/generated/site-data.json)',
  );
}

export function siteData(): SiteData {
  if (!cached) cached = JSON.parse(readFileSync(join(dataDir(), 'site-data.json'), 'utf8')) as SiteData;
  return cached;
}

export function searchIndexText(): string {
  return readFileSync(join(dataDir(), 'search-index.json'), 'utf8');
}

let sessionIndex: Map<string, SiteSession> | undefined;
export function sessionBySlug(slug: string): SiteSession | undefined {
  if (!sessionIndex) sessionIndex = new Map(siteData().sessions.map((s) => [s.slug, s]));
  return sessionIndex.get(slug);
}

let specIndex: Map<string, SiteSpec> | undefined;
export function specById(id: string): SiteSpec | undefined {
  if (!specIndex) specIndex = new Map(siteData().specs.map((s) => [s.id, s]));
  return specIndex.get(id);
}

let findingIndex: Map<string, SiteData['findings']> | undefined;
export function findingsFor(sessionSlug: string): SiteData['findings'] {
  if (!findingIndex) {
    findingIndex = new Map();
    for (const f of siteData().findings) {
      const list = findingIndex.get(f.session_slug) ?? [];
      list.push(f);
      findingIndex.set(f.session_slug, list);
    }
  }
  return findingIndex.get(sessionSlug) ?? [];
}
