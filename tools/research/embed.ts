/**
 * Dense embedders and the optional reranker.
 *  - Ollama: `models.ollama_host` + `models.embedder` (e.g. bge-m3) through the `ollama` client's embed API.
 *  - ONNX text models (onnx-text.ts): `models.onnx_embedder` / `models.onnx_reranker` = a local folder
 *    (or .onnx file) of a standard export — bge-small, e5, MiniLM embedders; bge-reranker cross-encoders —
 *    with its tokenizer.json, run with onnxruntime-node. Pooling from 1_Pooling/config.json or
 *    `models.onnx_pooling`.
 *  - ONNX feature models: one float input [batch, D] of hashed bag-of-words features (D from the model's
 *    declared shape or `models.onnx_input_dim`); the first output [batch, E] is the embedding
 *    (L2-normalized here). The feature reranker takes two float inputs [batch, D] (query, passage) and
 *    returns one score per pair.
 */
import type { GoblinConfig } from '../config/index.js';
import {
  isTextModel,
  loadOrt,
  OnnxTextEmbedder,
  OnnxTextReranker,
  resolveModelPath,
  type Ort,
} from './onnx-text.js';
import { hashedBagOfWords } from './text.js';

export interface Embedder {
  /** Identity of the vector space; a dense index is only queried with the embedder that built it. */
  key: string;
  describe: string;
  embed(texts: string[]): Promise<number[][]>;
}

export interface Reranker {
  describe: string;
  score(query: string, passages: string[]): Promise<number[]>;
}

function l2(v: ArrayLike<number>): number[] {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i] * v[i];
  n = Math.sqrt(n) || 1;
  return Array.from(v, (x) => x / n);
}

export class OllamaEmbedder implements Embedder {
  readonly key: string;
  readonly describe: string;
  calls = 0;
  constructor(
    private readonly host: string,
    private readonly model: string,
    private readonly batch = 16,
  ) {
    this.key = `ollama:${model}`;
    this.describe = `Ollama embed ${model} @ ${host}`;
  }
  async embed(texts: string[]): Promise<number[][]> {
    const { Ollama } = await import('ollama');
    const client = new Ollama({ host: this.host });
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += this.batch) {
      this.calls++;
      const res = await client.embed({
        model: this.model,
        input: texts.slice(i, i + this.batch),
        truncate: true,
      });
      if (
        !Array.isArray(res.embeddings) ||
        res.embeddings.length !== Math.min(this.batch, texts.length - i)
      ) {
        throw new Error(
          `Ollama embed returned ${res.embeddings?.length ?? 0} vectors for ${texts.slice(i, i + this.batch).length} inputs`,
        );
      }
      out.push(...res.embeddings.map(l2));
    }
    return out;
  }
}

type OrtSession = import('onnxruntime-node').InferenceSession;

async function loadSession(path: string): Promise<{ ort: Ort; session: OrtSession; dirs: string[] }> {
  const { model, dirs } = resolveModelPath(path);
  const ort = await loadOrt();
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'] });
  return { ort, session, dirs };
}

function featureDim(session: OrtSession, inputIndex: number, fallback: number | null, path: string): number {
  const meta = session.inputMetadata?.[inputIndex];
  const name = session.inputNames[inputIndex];
  if (/input_ids|attention_mask|token_type/i.test(name)) {
    throw new Error(
      `${path}: input '${name}' belongs to a text model: load it with loadOnnxEmbedder/loadOnnxReranker`,
    );
  }
  if (meta && meta.isTensor) {
    const last = meta.shape[meta.shape.length - 1];
    if (typeof last === 'number' && last > 0) return last;
  }
  if (fallback) return fallback;
  throw new Error(`${path}: input '${name}' has no fixed feature width; set models.onnx_input_dim`);
}

export class OnnxEmbedder implements Embedder {
  readonly key: string;
  readonly describe: string;
  private constructor(
    private readonly ort: Ort,
    private readonly session: OrtSession,
    private readonly dim: number,
    path: string,
  ) {
    this.key = `onnx:${path.split('/').pop()}:${dim}`;
    this.describe = `ONNX embedder ${path} (input ${session.inputNames[0]}[batch,${dim}] → ${session.outputNames[0]})`;
  }
  static async load(path: string, inputDim: number | null): Promise<OnnxEmbedder> {
    const { ort, session } = await loadSession(path);
    return OnnxEmbedder.fromSession(ort, session, path, inputDim);
  }
  static fromSession(ort: Ort, session: OrtSession, path: string, inputDim: number | null): OnnxEmbedder {
    return new OnnxEmbedder(ort, session, featureDim(session, 0, inputDim, path), path);
  }
  async embed(texts: string[]): Promise<number[][]> {
    if (!texts.length) return [];
    const data = new Float32Array(texts.length * this.dim);
    texts.forEach((t, i) => data.set(hashedBagOfWords(t, this.dim), i * this.dim));
    const feeds = {
      [this.session.inputNames[0]]: new this.ort.Tensor('float32', data, [texts.length, this.dim]),
    };
    const res = await this.session.run(feeds);
    const out = res[this.session.outputNames[0]];
    const width = Number(out.dims[out.dims.length - 1]);
    const arr = out.data as Float32Array;
    return texts.map((_, i) => l2(arr.subarray(i * width, (i + 1) * width)));
  }
}

export class OnnxReranker implements Reranker {
  readonly describe: string;
  private constructor(
    private readonly ort: Ort,
    private readonly session: OrtSession,
    private readonly dim: number,
    path: string,
  ) {
    this.describe = `ONNX reranker ${path}`;
  }
  static async load(path: string, inputDim: number | null): Promise<OnnxReranker> {
    const { ort, session } = await loadSession(path);
    return OnnxReranker.fromSession(ort, session, path, inputDim);
  }
  static fromSession(ort: Ort, session: OrtSession, path: string, inputDim: number | null): OnnxReranker {
    if (session.inputNames.length !== 2) {
      throw new Error(
        `${path}: a reranker needs two float inputs (query, passage); found ${session.inputNames.join(', ')}`,
      );
    }
    return new OnnxReranker(ort, session, featureDim(session, 0, inputDim, path), path);
  }
  async score(query: string, passages: string[]): Promise<number[]> {
    if (!passages.length) return [];
    const q = hashedBagOfWords(query, this.dim);
    const qd = new Float32Array(passages.length * this.dim);
    const pd = new Float32Array(passages.length * this.dim);
    passages.forEach((p, i) => {
      qd.set(q, i * this.dim);
      pd.set(hashedBagOfWords(p, this.dim), i * this.dim);
    });
    const [qn, pn] = this.session.inputNames;
    const res = await this.session.run({
      [qn]: new this.ort.Tensor('float32', qd, [passages.length, this.dim]),
      [pn]: new this.ort.Tensor('float32', pd, [passages.length, this.dim]),
    });
    const out = res[this.session.outputNames[0]];
    return Array.from(out.data as Float32Array).slice(0, passages.length);
  }
}

/** An ONNX embedder from a folder or file: a text model (input_ids + tokenizer.json) or a feature model. */
export async function loadOnnxEmbedder(
  path: string,
  opts: { inputDim?: number | null; pooling?: 'auto' | 'cls' | 'mean' } = {},
): Promise<Embedder> {
  const { ort, session, dirs } = await loadSession(path);
  if (isTextModel(session)) return OnnxTextEmbedder.create(ort, session, path, dirs, opts.pooling ?? 'auto');
  return OnnxEmbedder.fromSession(ort, session, path, opts.inputDim ?? null);
}

/** An ONNX reranker from a folder or file: a cross-encoder (input_ids + tokenizer.json) or a feature model. */
export async function loadOnnxReranker(
  path: string,
  opts: { inputDim?: number | null } = {},
): Promise<Reranker> {
  const { ort, session, dirs } = await loadSession(path);
  if (isTextModel(session)) return OnnxTextReranker.create(ort, session, path, dirs);
  return OnnxReranker.fromSession(ort, session, path, opts.inputDim ?? null);
}

export interface ModelSetup {
  embedder: Embedder | null;
  reranker: Reranker | null;
  notes: string[];
}

/** Build the configured embedder/reranker. Missing or broken models are reported in `notes`, never thrown. */
export async function setupModels(models: GoblinConfig['models']): Promise<ModelSetup> {
  const notes: string[] = [];
  let embedder: Embedder | null = null;
  let reranker: Reranker | null = null;
  if (models.onnx_embedder) {
    try {
      embedder = await loadOnnxEmbedder(models.onnx_embedder, {
        inputDim: models.onnx_input_dim,
        pooling: models.onnx_pooling,
      });
    } catch (e) {
      notes.push(`ONNX embedder unavailable: ${(e as Error).message}`);
    }
  }
  if (!embedder && models.embedder && models.ollama_host) {
    embedder = new OllamaEmbedder(models.ollama_host, models.embedder);
  } else if (!embedder && models.embedder && !models.ollama_host) {
    notes.push(`models.embedder '${models.embedder}' is set but models.ollama_host is not`);
  }
  if (models.onnx_reranker) {
    try {
      reranker = await loadOnnxReranker(models.onnx_reranker, { inputDim: models.onnx_input_dim });
    } catch (e) {
      notes.push(`ONNX reranker unavailable: ${(e as Error).message}`);
    }
  }
  return { embedder, reranker, notes };
}
