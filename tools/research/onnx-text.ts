/**
 * Standard exported text models on onnxruntime-node: an embedding model (bge-small, e5, MiniLM: inputs
 * `input_ids`, `attention_mask`, optionally `token_type_ids`/`position_ids`; output `last_hidden_state`
 * pooled here by CLS or attention-masked mean, or an already pooled `sentence_embedding`) and a
 * cross-encoder reranker (bge-reranker: the same inputs for a query/passage pair, output `logits`).
 * Everything comes from a local folder — model.onnx (or onnx/model.onnx), tokenizer.json,
 * tokenizer_config.json and, for sentence-transformers exports, 1_Pooling/config.json.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { importOptional } from '../util/optional.js';
import type { Embedder, Reranker } from './embed.js';
import { SubwordTokenizer, type Encoded } from './tokenize.js';

export type Ort = typeof import('onnxruntime-node');
export type Pooling = 'auto' | 'cls' | 'mean';

const BATCH = 16;

export function loadOrt(): Promise<Ort> {
  return importOptional<Ort>('onnxruntime-node', 'ONNX models (models.onnx_embedder, models.onnx_reranker)');
}

/** A model folder (model.onnx or onnx/model.onnx inside) or an .onnx file, and where its side files may be. */
export function resolveModelPath(path: string): { model: string; dirs: string[] } {
  if (!existsSync(path)) throw new Error(`${path}: no such model file or folder`);
  if (statSync(path).isDirectory()) {
    const model = [join(path, 'model.onnx'), join(path, 'onnx', 'model.onnx')].find((p) => existsSync(p));
    if (!model) throw new Error(`${path}: a model folder needs model.onnx (or onnx/model.onnx)`);
    return { model, dirs: [path, dirname(model)] };
  }
  const dir = dirname(path);
  return { model: path, dirs: basename(dir) === 'onnx' ? [dir, dirname(dir)] : [dir] };
}

/** A transformer export takes token ids; the hashed-feature models take floats. */
export function isTextModel(session: InferenceSession): boolean {
  return session.inputNames.includes('input_ids');
}

function needTokenizer(path: string, dirs: string[]): SubwordTokenizer {
  const tok = SubwordTokenizer.find(dirs);
  if (!tok)
    throw new Error(
      `${path}: the model takes input_ids, so it needs its tokenizer.json (looked in ${dirs.join(', ')}); ` +
        'export it with the model (optimum-cli export onnx writes both)',
    );
  return tok;
}

/** Padded feeds for every input the session declares; an input it does not know is an error, never guessed. */
function feeds(ort: Ort, session: InferenceSession, batch: Encoded[], padId: number, path: string) {
  const seq = Math.max(...batch.map((e) => e.ids.length));
  const out: Record<string, Tensor> = {};
  session.inputNames.forEach((name, i) => {
    const meta = session.inputMetadata[i];
    const int32 = meta?.isTensor && meta.type === 'int32';
    const values = new Array<number>(batch.length * seq);
    batch.forEach((e, b) => {
      for (let t = 0; t < seq; t++) {
        const real = t < e.ids.length;
        let v: number;
        if (name === 'input_ids') v = real ? e.ids[t] : padId;
        else if (name === 'attention_mask') v = real ? 1 : 0;
        else if (name === 'token_type_ids') v = real ? e.typeIds[t] : 0;
        else if (name === 'position_ids') v = t;
        else
          throw new Error(
            `${path}: unsupported model input '${name}' (supported: input_ids, attention_mask, token_type_ids, position_ids)`,
          );
        values[b * seq + t] = v;
      }
    });
    out[name] = int32
      ? new ort.Tensor('int32', Int32Array.from(values), [batch.length, seq])
      : new ort.Tensor(
          'int64',
          BigInt64Array.from(values, (v) => BigInt(v)),
          [batch.length, seq],
        );
  });
  return out;
}

function l2(v: ArrayLike<number>): number[] {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i] * v[i];
  n = Math.sqrt(n) || 1;
  return Array.from(v, (x) => x / n);
}

/** sentence-transformers' 1_Pooling/config.json, when the export has one. */
function declaredPooling(dirs: string[]): 'cls' | 'mean' | null {
  for (const dir of dirs) {
    const f = join(dir, '1_Pooling', 'config.json');
    if (!existsSync(f)) continue;
    const c = JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>;
    if (c.pooling_mode_cls_token) return 'cls';
    if (c.pooling_mode_mean_tokens) return 'mean';
  }
  return null;
}

export class OnnxTextEmbedder implements Embedder {
  readonly key: string;
  readonly describe: string;
  calls = 0;
  private constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    private readonly tok: SubwordTokenizer,
    readonly pooling: 'cls' | 'mean',
    private readonly path: string,
    poolingFrom: string,
  ) {
    const name = basename(path);
    this.key = `onnx-text:${name}:${pooling}:${tok.maxLength}`;
    this.describe = `ONNX text embedder ${path} (${session.inputNames.join(', ')}; ${pooling} pooling from ${poolingFrom}; ≤ ${tok.maxLength} tokens)`;
  }

  static async create(
    ort: Ort,
    session: InferenceSession,
    path: string,
    dirs: string[],
    pooling: Pooling,
  ): Promise<OnnxTextEmbedder> {
    const tok = needTokenizer(path, dirs);
    const declared = declaredPooling(dirs);
    const chosen = pooling !== 'auto' ? pooling : (declared ?? 'mean');
    const from =
      pooling !== 'auto'
        ? 'models.onnx_pooling'
        : declared
          ? '1_Pooling/config.json'
          : 'the default (no 1_Pooling/config.json; set models.onnx_pooling: cls for bge models)';
    return new OnnxTextEmbedder(ort, session, tok, chosen, path, from);
  }

  async embed(texts: string[]): Promise<number[][]> {
    const out: number[][] = [];
    const outName = this.session.outputNames.includes('sentence_embedding')
      ? 'sentence_embedding'
      : this.session.outputNames.includes('last_hidden_state')
        ? 'last_hidden_state'
        : this.session.outputNames[0];
    for (let i = 0; i < texts.length; i += BATCH) {
      const batch = texts.slice(i, i + BATCH).map((t) => this.tok.encode(t));
      this.calls++;
      const res = await this.session.run(feeds(this.ort, this.session, batch, this.tok.padId, this.path));
      const y = res[outName];
      const dims = y.dims.map(Number);
      const data = y.data as Float32Array;
      if (dims.length === 2) {
        // Already pooled by the export.
        for (let b = 0; b < batch.length; b++) out.push(l2(data.subarray(b * dims[1], (b + 1) * dims[1])));
        continue;
      }
      if (dims.length !== 3)
        throw new Error(
          `${this.path}: output '${outName}' has shape [${dims}]; expected [batch, tokens, hidden]`,
        );
      const [, seq, hidden] = dims;
      batch.forEach((e, b) => {
        const v = new Float64Array(hidden);
        const base = b * seq * hidden;
        if (this.pooling === 'cls') for (let h = 0; h < hidden; h++) v[h] = data[base + h];
        else {
          // Mean over the real tokens only: padding positions carry hidden states too.
          for (let t = 0; t < e.ids.length; t++)
            for (let h = 0; h < hidden; h++) v[h] += data[base + t * hidden + h];
          for (let h = 0; h < hidden; h++) v[h] /= e.ids.length;
        }
        out.push(l2(v));
      });
    }
    return out;
  }
}

export class OnnxTextReranker implements Reranker {
  readonly describe: string;
  private constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    private readonly tok: SubwordTokenizer,
    private readonly path: string,
  ) {
    this.describe = `ONNX cross-encoder ${path} (${session.inputNames.join(', ')}; ≤ ${tok.maxLength} tokens per pair)`;
  }

  static create(ort: Ort, session: InferenceSession, path: string, dirs: string[]): OnnxTextReranker {
    return new OnnxTextReranker(ort, session, needTokenizer(path, dirs), path);
  }

  async score(query: string, passages: string[]): Promise<number[]> {
    const scores: number[] = [];
    const outName = this.session.outputNames.includes('logits') ? 'logits' : this.session.outputNames[0];
    for (let i = 0; i < passages.length; i += BATCH) {
      const batch = passages.slice(i, i + BATCH).map((p) => this.tok.encode(query, p));
      const res = await this.session.run(feeds(this.ort, this.session, batch, this.tok.padId, this.path));
      const y = res[outName];
      const width = y.dims.length > 1 ? Number(y.dims[y.dims.length - 1]) : 1;
      const data = y.data as Float32Array;
      for (let b = 0; b < batch.length; b++)
        // One logit = relevance; two classes = the "relevant" logit over the other (same order as softmax).
        scores.push(width === 1 ? data[b] : data[b * width + width - 1] - data[b * width]);
    }
    return scores;
  }
}
