/**
 * Standard exported text models (embedder + cross-encoder) from a local folder: a tiny WordPiece
 * tokenizer and a tiny ONNX transformer stand-in built in the test (testing/text-model.ts), run through
 * the real @huggingface/tokenizers and onnxruntime-node.
 */
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { GoblinConfig } from '../config/index.js';
import { loadOnnxEmbedder, loadOnnxReranker, setupModels } from './embed.js';
import { testConfig } from './testing/config.js';
import { HIDDEN, tables, tokenizerJson, VOCAB, writeTextModel } from './testing/text-model.js';
import { SubwordTokenizer } from './tokenize.js';

const id = (t: string) => VOCAB.indexOf(t);
const l2 = (v: number[]) => {
  const n = Math.hypot(...v) || 1;
  return v.map((x) => x / n);
};
/** What the tiny model + mean pooling must give for these token ids (segment 0). */
function meanReference(ids: number[], maxLength = 16): number[] {
  const t = tables(maxLength);
  const sum = new Array(HIDDEN).fill(0);
  ids.forEach((tok, p) => {
    for (let h = 0; h < HIDDEN; h++) sum[h] += t.word[tok][h] + t.type[0][h] + t.pos[p][h];
  });
  return l2(sum.map((x) => x / ids.length));
}
const close = (a: number[], b: number[]) => a.forEach((x, i) => expect(x).toBeCloseTo(b[i], 5));

describe('ONNX text models from a local folder', () => {
  let dir: string;
  beforeAll(() => {
    dir = testConfig().dir;
  });

  it('mean pooling counts only real tokens: a short text is embedded the same alone and padded in a batch', async () => {
    const folder = writeTextModel(join(dir, 'mean-model'), { pooling: 'mean' });
    const emb = await loadOnnxEmbedder(folder);
    expect(emb.key).toMatch(/^onnx-text:mean-model:mean:16$/);
    expect(emb.describe).toMatch(/1_Pooling\/config\.json/);
    const short = 'roku first ping';
    const long = 'during main content playback the heartbeat ping is sent every ten seconds';
    const [alone] = await emb.embed([short]);
    const [inBatch, other] = await emb.embed([short, long]);
    close(inBatch, alone);
    close(alone, meanReference([id('[CLS]'), id('roku'), id('first'), id('ping'), id('[SEP]')]));
    expect(other).not.toEqual(alone);
  });

  it('CLS pooling when 1_Pooling/config.json asks for it (bge): the vector at [CLS]', async () => {
    const folder = writeTextModel(join(dir, 'cls-model'), { pooling: 'cls' });
    const emb = await loadOnnxEmbedder(folder);
    const [a, b] = await emb.embed(['roku first ping', 'ads every second']);
    const t = tables(16);
    const cls = l2(t.word[id('[CLS]')].map((x, h) => x + t.type[0][h] + t.pos[0][h]));
    close(a, cls);
    close(b, cls); // the tiny model has no attention, so [CLS] never sees the text
    // models.onnx_pooling overrides the folder.
    const mean = await loadOnnxEmbedder(folder, { pooling: 'mean' });
    expect((await mean.embed(['roku first ping']))[0]).not.toEqual(a);
  });

  it('truncates to model_max_length: the position table has no row past it and onnxruntime would fail', async () => {
    const folder = writeTextModel(join(dir, 'short-model'), { maxLength: 16 });
    const long = Array.from({ length: 40 }, () => 'roku ping').join(' ');
    const tok = SubwordTokenizer.find([folder])!;
    const enc = tok.encode(long);
    expect(enc.ids.length).toBeLessThanOrEqual(16);
    expect(enc.ids[0]).toBe(id('[CLS]'));
    expect(enc.ids[enc.ids.length - 1]).toBe(id('[SEP]'));
    // The trap is real: the untruncated ids crash the model.
    const session = await ort.InferenceSession.create(join(folder, 'model.onnx'), { logSeverityLevel: 4 });
    const full = new Tokenizer(tokenizerJson(), {}).encode(long);
    const feed = (n: number[]) => new ort.Tensor('int64', BigInt64Array.from(n, BigInt), [1, n.length]);
    await expect(
      session.run({
        input_ids: feed(full.ids),
        attention_mask: feed(full.ids.map(() => 1)),
        token_type_ids: feed(full.ids.map(() => 0)),
      }),
    ).rejects.toThrow();
    const [v] = await (await loadOnnxEmbedder(folder)).embed([long]);
    expect(v.every(Number.isFinite)).toBe(true);
  });

  it('feeds only the inputs the export declares (no token_type_ids for XLM-R/e5-style models)', async () => {
    const folder = writeTextModel(join(dir, 'no-types'), { tokenTypes: false });
    const emb = await loadOnnxEmbedder(folder);
    expect(emb.describe).toContain('input_ids, attention_mask;');
    const [v] = await emb.embed(['heartbeat cadence']);
    expect(v).toHaveLength(HIDDEN);
  });

  it('a cross-encoder reranker scores query/passage pairs (segment ids, masked padding, long passages cut)', async () => {
    const folder = writeTextModel(join(dir, 'reranker'), {
      reranker: true,
      relevant: ['ad', '##s', 'every', 'second'],
    });
    const rr = await loadOnnxReranker(folder);
    const long = `ads every second ${Array.from({ length: 30 }, () => 'roku').join(' ')}`;
    const scores = await rr.score('ad ping', [
      'roku cadence is ten seconds',
      'ads are sent every second',
      long,
    ]);
    // Score = number of relevant tokens in the pair (query "ad" counts once for every passage).
    expect(scores[0]).toBeCloseTo(1, 5);
    expect(scores[1]).toBeCloseTo(5, 5);
    expect(scores[2]).toBeCloseTo(5, 5); // cut to 16 tokens, its relevant head kept
    // Same pair scored alone and in a padded batch: identical.
    expect((await rr.score('ad ping', ['roku cadence is ten seconds']))[0]).toBeCloseTo(scores[0], 5);
  });

  it('through the config: a folder without tokenizer.json is reported, never guessed', async () => {
    const good = writeTextModel(join(dir, 'cfg-model'), { pooling: 'cls' });
    const bad = writeTextModel(join(dir, 'no-tokenizer'), { tokenizer: false });
    const models = (m: Record<string, unknown>) => GoblinConfig.parse({ models: m }).models;
    const ok = await setupModels(models({ onnx_embedder: good, onnx_reranker: join(dir, 'reranker') }));
    expect(ok.notes).toEqual([]);
    expect(ok.embedder?.key).toBe('onnx-text:cfg-model:cls:16');
    expect(ok.reranker?.describe).toMatch(/^ONNX cross-encoder /);
    const missing = await setupModels(models({ onnx_embedder: bad }));
    expect(missing.embedder).toBeNull();
    expect(missing.notes[0]).toMatch(
      /ONNX embedder unavailable: .*no-tokenizer: the model takes input_ids, so it needs its tokenizer\.json/,
    );
  });
});
