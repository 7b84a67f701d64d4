import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { crawl } from './crawl.js';
import { OnnxEmbedder, setupModels } from './embed.js';
import { expandQuery } from './query.js';
import { searchEvidence } from './search.js';
import { buildIndex, readMeta } from './store.js';
import { hashedBagOfWords } from './text.js';
import { startDocSite, type DocSite } from './testing/docsite.js';
import { startFakeOllama, type FakeOllama } from './testing/fake-ollama.js';
import { buildEmbedderModel, buildRerankerModel } from './testing/onnx-tiny.js';
import { testConfig } from './testing/config.js';

const IN = 64;
const OUT = 32;
/** A fixed projection folding feature i onto output i mod 32 (deterministic, meaningful for BoW input). */
function foldMatrix(): Float32Array {
  const W = new Float32Array(IN * OUT);
  for (let i = 0; i < IN; i++) W[i * OUT + (i % OUT)] = i < OUT ? 1 : 0.5;
  return W;
}

describe('research: embedders (fake Ollama server, tiny ONNX models) and lexical fallback', () => {
  let site: DocSite;
  let ollama: FakeOllama;
  let base: ReturnType<typeof testConfig>;
  const u = (p: string) => `${site.origin}${p}`;

  beforeAll(async () => {
    site = await startDocSite();
    ollama = await startFakeOllama({ chatQueries: ['roku heartbeat timing'] });
    base = testConfig({ research: { render: 'never' } });
    // Fetch (no link following) three pages + index lexically.
    await crawl({
      config: base.config,
      seeds: [
        '/docs/roku/cadence.html',
        '/docs/heartbeat/ad-pings.html',
        '/docs/media-collection/ping-interval.html',
        '/docs/stable.html',
      ].map(u),
      follow: false,
    });
  });
  afterAll(async () => {
    await site?.close();
    await ollama?.close();
  });

  const withModels = (models: Record<string, unknown>) => ({
    ...base.config,
    models: { ...base.config.models, ...models },
  });
  const rebuild = async (config: ReturnType<typeof withModels>) => {
    const m = await setupModels(config.models);
    return buildIndex({
      cacheDir: config.research.cache_dir,
      indexDir: config.research.index_dir,
      embedder: m.embedder,
      minTokens: 512,
      maxTokens: 1024,
    });
  };

  it('Ollama embed API: index and query go through /api/embed; search is hybrid', async () => {
    const config = withModels({ ollama_host: ollama.host, embedder: 'bge-m3' });
    const before = ollama.calls.length;
    const built = await rebuild(config);
    expect(built.meta.embedder_key).toBe('ollama:bge-m3');
    expect(built.embedded).toBe(built.meta.chunks);
    const embedCalls = ollama.calls.slice(before).filter((c) => c.path === '/api/embed');
    expect(embedCalls.length).toBeGreaterThanOrEqual(2);
    expect(embedCalls.every((c) => c.body.model === 'bge-m3' && Array.isArray(c.body.input))).toBe(true);
    const res = await searchEvidence('roku cadence first ping', { config });
    expect(res.mode).toBe('hybrid');
    expect(res.notes.join(' ')).not.toMatch(/lexical only/);
    expect(res.hits[0].url).toBe(u('/docs/roku/cadence.html'));
    expect(res.hits[0].sources.dense).toBeGreaterThan(0);
    expect(ollama.calls.at(-1)).toMatchObject({
      path: '/api/embed',
      body: { input: ['roku cadence first ping'] },
    });
    // A rebuild reuses stored vectors of unchanged chunks.
    const again = await rebuild(config);
    expect(again.reusedVectors).toBe(again.meta.chunks);
    expect(again.embedded).toBe(0);
  });

  it('LLM query expansion is used only when configured', async () => {
    const off = await expandQuery('roku cadence', { models: base.config.models, llm: true });
    expect(off.llm_used).toBe(false);
    expect(off.notes[0]).toMatch(/no models.ollama_host/);
    const on = await expandQuery('roku cadence', {
      models: withModels({ ollama_host: ollama.host }).models,
      llm: true,
    });
    expect(on.llm_used).toBe(true);
    expect(on.queries).toContain('roku heartbeat timing');
    expect(ollama.calls.some((c) => c.path === '/api/chat')).toBe(true);
  });

  it('ONNX embedder: a tiny MatMul + LpNormalization model built with protobufjs', async () => {
    const W = foldMatrix();
    const file = join(base.dir, 'tiny-embed.onnx');
    writeFileSync(file, buildEmbedderModel(W, IN, OUT));
    const emb = await OnnxEmbedder.load(file, null);
    const [v] = await emb.embed(['Roku first content ping cadence']);
    // JS reference: x · W, L2-normalized.
    const x = hashedBagOfWords('Roku first content ping cadence', IN);
    const ref = new Array(OUT).fill(0);
    for (let i = 0; i < IN; i++) for (let j = 0; j < OUT; j++) ref[j] += x[i] * W[i * OUT + j];
    const n = Math.hypot(...ref);
    v.forEach((val, j) => expect(val).toBeCloseTo(ref[j] / n, 5));

    const config = withModels({ onnx_embedder: file });
    const built = await rebuild(config);
    expect(built.meta.embedder_key).toBe(`onnx:tiny-embed.onnx:${IN}`);
    const res = await searchEvidence('roku cadence first ping', { config });
    expect(res.mode).toBe('hybrid');
    expect(res.hits[0].url).toBe(u('/docs/roku/cadence.html'));
    expect(res.hits.every((h) => typeof h.sources.dense === 'number')).toBe(true);
  });

  it('ONNX reranker: a tiny cross-scoring model reorders the fused list', async () => {
    const file = join(base.dir, 'tiny-rerank.onnx');
    writeFileSync(file, buildRerankerModel(IN));
    const sess = await ort.InferenceSession.create(file);
    expect(sess.inputNames).toEqual(['q', 'p']);
    const config = withModels({ onnx_reranker: file });
    await rebuild(config); // lexical index (no embedder)
    const res = await searchEvidence('ad pings every second', { config, k: 3 });
    expect(res.mode).toBe('lexical+rerank');
    const scores = res.hits.map((h) => h.sources.rerank!);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(res.hits[0].url).toBe(u('/docs/heartbeat/ad-pings.html'));
  });

  it('falls back to lexical search, and says so, when no model is configured or the embedder is down', async () => {
    await rebuild(base.config);
    const none = await searchEvidence('roku cadence first ping', { config: base.config });
    expect(none.mode).toBe('lexical');
    expect(none.notes.join('\n')).toMatch(/lexical only \(BM25\): no embedding model configured/);
    expect(none.hits[0].url).toBe(u('/docs/roku/cadence.html'));

    const down = withModels({ ollama_host: 'http://127.0.0.1:9', embedder: 'bge-m3' });
    const built = await rebuild(down);
    expect(built.meta.embedder_key).toBeNull();
    expect(readMeta(down.research.index_dir)?.embedder_error).toMatch(/unavailable/);
    const res = await searchEvidence('roku cadence first ping', { config: down });
    expect(res.mode).toBe('lexical');
    expect(res.notes.join('\n')).toMatch(/lexical only/);
    expect(res.hits[0].url).toBe(u('/docs/roku/cadence.html'));
  });
});
