import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import YAML from 'yaml';
import { main } from '../cli/main.js';
import { chunkText } from './chunk.js';
import { htmlToStructuredText } from './extract.js';
import { pickQuote } from './quote.js';
import { expandQuery } from './query.js';
import { HostRateLimiter } from './ratelimit.js';
import { requestsFromFile } from './trigger.js';
import { findCitations } from './verify.js';
import { startDocSite, type DocSite } from './testing/docsite.js';
import { testConfig } from './testing/config.js';

describe('rate limiter', () => {
  it('spaces requests to one host and not across hosts', async () => {
    const lim = new HostRateLimiter(20); // 50 ms apart
    const t0 = Date.now();
    await Promise.all([lim.acquire('a'), lim.acquire('a'), lim.acquire('a'), lim.acquire('b')]);
    const dt = Date.now() - t0;
    expect(dt).toBeGreaterThanOrEqual(95);
    expect(dt).toBeLessThan(1000);
  });
});

describe('chunking and quotes', () => {
  const para = (n: number) => `<p>${Array.from({ length: n }, (_, i) => `word${i}`).join(' ')} end.</p>`;
  const html = `<h1 id="a">Alpha</h1>${para(300)}<h2 id="b">Beta</h2>${para(300)}<pre><code>${'line x = 1\n'.repeat(120)}</code></pre><h2 id="c">Gamma</h2>${para(900)}`;
  it('splits at headings into min..max token passages, keeps code blocks whole, offsets are exact', () => {
    const { text, sections } = htmlToStructuredText(html);
    const chunks = chunkText(text, sections, 'doc', { minTokens: 512, maxTokens: 1024 });
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    for (const c of chunks) {
      const body = text.slice(c.start, c.end);
      expect((body.match(/```/g)?.length ?? 0) % 2).toBe(0);
      expect(c.tokens).toBeLessThanOrEqual(1024);
    }
    expect(chunks[0].anchor).toBe('a');
    expect(chunks.some((c) => c.anchor === 'c' || c.headings.includes('Gamma'))).toBe(true);
    // Stable ids.
    expect(chunkText(text, sections, 'doc', { minTokens: 512, maxTokens: 1024 }).map((c) => c.id)).toEqual(
      chunks.map((c) => c.id),
    );
  });
  it('quotes are exact slices and keep versions like "3.6.0" whole', () => {
    const text =
      'Intro line here.\n\nOn Roku SDK 3.6.0 the first ping is early. Other sentence about nothing.';
    const q = pickQuote(text, 'roku first ping');
    expect(q.quote).toBe('On Roku SDK 3.6.0 the first ping is early.');
    expect(text.slice(q.start, q.end)).toBe(q.quote);
  });
});

describe('query expansion and triggers', () => {
  it('expands deterministically with synonyms, aliases and SDK names', async () => {
    const a = await expandQuery({
      text: 'roku cadence',
      params: ['playhead'],
      platforms: ['roku'],
      versions: ['>=3.6.0'],
    });
    const b = await expandQuery({
      text: 'roku cadence',
      params: ['playhead'],
      platforms: ['roku'],
      versions: ['>=3.6.0'],
    });
    expect(a).toEqual(b);
    expect(a.queries[0]).toBe('roku cadence');
    expect(a.queries).toContain('roku ping interval');
    expect(a.queries).toContain('roku heartbeat interval');
    expect(a.queries.some((q) => q.startsWith('l:event:playhead'))).toBe(true);
    expect(a.queries.some((q) => q.includes('AEP Roku SDK 3.6.0'))).toBe(true);
    expect(a.llm_used).toBe(false);
  });
  it('reads unknowns, bundles and relaxing specs', () => {
    const dir = testConfig().dir;
    const f = (name: string, body: string) => {
      writeFileSync(join(dir, name), body);
      return join(dir, name);
    };
    const unk = requestsFromFile(
      f(
        'unknowns.json',
        JSON.stringify({
          unknowns: [
            { param: 'a.media.pev3', stability: 0.97, platform: 'roku' },
            { param: 'noise', stability: 0.2 },
          ],
        }),
      ),
    );
    expect(unk).toHaveLength(1);
    expect(unk[0]).toMatchObject({
      kind: 'unknown_param',
      input: { params: ['a.media.pev3'], platforms: ['roku'] },
    });
    const bundle = requestsFromFile(
      f(
        'bundle.json',
        JSON.stringify({
          bundle_id: 'abc',
          anomalies: [{ family: 'cadence', platform: 'roku', sdk: 'hb-api', version: '3.6.x' }],
          dictionary_deltas: [{ param: 'playhead' }],
        }),
      ),
    );
    expect(bundle.map((r) => r.kind)).toEqual(['drift_bundle', 'unknown_param']);
    const spec = requestsFromFile(
      f(
        'spec.yaml',
        YAML.stringify({
          id: 'HB_CADENCE_FIRST_PING_ROKU',
          scope: { platform: ['roku'], sdk: ['hb-api'], version: '>=3.6.0 <4.0.0' },
          assert: { cadence: { allow_first_content_ping_lt_seconds: 2.0 } },
        }),
      ),
    );
    expect(spec[0].kind).toBe('relaxing_spec');
    expect(spec[0].input.text).toContain('first content ping');
  });
  it('finds citation objects anywhere in a document', () => {
    const found = findCitations({
      a: [{ url: 'u', quote: 'q' }],
      b: { c: { url: 'v', quote: 'w', extra: 1 } },
      d: { url: 'no quote' },
    });
    expect(found.map((f) => f.path)).toEqual(['/a/0', '/b/c']);
  });
});

describe('CLI: goblin research …', () => {
  let site: DocSite;
  let cfgFile: string;
  let dir: string;
  beforeAll(async () => {
    site = await startDocSite();
    const env = testConfig({ research: { render: 'never' } });
    dir = env.dir;
    cfgFile = join(dir, 'goblin.config.yaml');
    writeFileSync(cfgFile, YAML.stringify({ research: env.config.research }));
  });
  afterAll(async () => site?.close());

  const run = async (...argv: string[]) => {
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((l: string) => void lines.push(String(l)));
    const err = vi.spyOn(console, 'error').mockImplementation((l: string) => void lines.push(String(l)));
    try {
      const code = await main([...argv, '--config', cfgFile, '--quiet']);
      return { code, out: lines.join('\n') };
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
  };

  it('fetch → search → verify → pack with exit codes', async () => {
    expect((await run('research', 'fetch')).code).toBe(2);
    const f = await run(
      'research',
      'fetch',
      `${site.origin}/docs/roku/cadence.html`,
      `${site.origin}/docs/heartbeat/ad-pings.html`,
      `${site.origin}/private/secret.html`,
    );
    expect(f.code).toBe(0);
    expect(f.out).toMatch(/2 pages .* 2 ok/);
    expect(f.out).toMatch(/skipped .*private\/secret\.html: robots\.txt disallows/);
    const s = await run('research', 'search', 'roku cadence first ping');
    expect(s.code).toBe(0);
    expect(s.out).toMatch(/note: lexical only \(BM25\)/);
    expect(s.out).toMatch(/^1\. Roku SDK: heartbeat cadence and the first ping/m);
    const p = await run('research', 'pack', 'roku first ping', '--out', join(dir, 'evidence/packs'));
    expect(p.code).toBe(0);
    // No passage: exit 1 and no empty pack left behind (it used to write one and say "nothing written").
    const none = await run('research', 'pack', 'zyxwv qqqq', '--out', join(dir, 'empty-packs'));
    expect(none.code).toBe(1);
    expect(none.out).toMatch(/0 passages .* nothing written/);
    expect(existsSync(join(dir, 'empty-packs'))).toBe(false);
    mkdirSync(join(dir, 'specs'), { recursive: true });
    writeFileSync(
      join(dir, 'specs/bad.yaml'),
      YAML.stringify({
        citations: [{ url: `${site.origin}/docs/roku/cadence.html`, quote: 'Roku pings every 3 seconds.' }],
      }),
    );
    const v = await run('research', 'verify', join(dir, 'specs'), join(dir, 'evidence/packs'));
    expect(v.code).toBe(1);
    expect(v.out).toMatch(/BROKEN .*specs\/bad\.yaml\/citations\/0: quote_not_found/);
    expect(v.out).toMatch(/, 1 broken/);
  });
});
