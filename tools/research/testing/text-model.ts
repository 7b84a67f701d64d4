/**
 * A tiny exported text model folder, built in the test: a BERT-style WordPiece tokenizer.json +
 * tokenizer_config.json and a model.onnx (protobufjs, see onnx-tiny.ts) that takes input_ids,
 * attention_mask and (optionally) token_type_ids like a real export. Hidden state of token t at
 * position p: word[t] + type[segment] + pos[p] — a position table with `maxLength` rows, so an input
 * longer than the tokenizer's model_max_length makes onnxruntime fail exactly as bge does past 512.
 * The reranker variant sums the masked hidden states and projects them on `w`: logits [batch, 1].
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeModel, FLOAT, INT64, vi } from './onnx-tiny.js';

const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'] as const;
const WORDS = [
  'roku',
  'first',
  'ping',
  'ad',
  '##s',
  'cadence',
  'the',
  'is',
  'every',
  'second',
  'heartbeat',
  'seconds',
  'ten',
  'content',
  'main',
  'during',
  'playback',
  'sent',
  'are',
  '.',
  ',',
];
export const VOCAB: string[] = [...SPECIALS, ...WORDS];
export const HIDDEN = 4;

export interface TextModelOptions {
  maxLength?: number;
  tokenTypes?: boolean;
  pooling?: 'cls' | 'mean';
  reranker?: boolean;
  /** Per-token relevance (dimension 0 of its word vector) for the reranker. */
  relevant?: string[];
}

/** Deterministic small vectors: word i → row i. */
export function tables(maxLength: number, relevant: string[] = []) {
  const word = VOCAB.map((t, i) => [
    relevant.includes(t) ? 1 : 0,
    ((i * 7) % 11) / 11,
    ((i * 3) % 5) / 5,
    0.1 * (i % 4),
  ]);
  const type = [
    [0, 0.05, 0, 0],
    [0, 0, 0.05, 0],
  ];
  const pos = Array.from({ length: maxLength }, (_, p) => [0, 0, 0.01 * p, 0.02]);
  return { word, type, pos };
}

const f32 = (rows: number[][]) => Buffer.from(new Float32Array(rows.flat()).buffer);
const init = (name: string, rows: number[][]) => ({
  name,
  dims: [rows.length, rows[0].length],
  dataType: FLOAT,
  rawData: f32(rows),
});
const int64 = (name: string, values: number[], dims: number[] = [values.length]) => ({
  name,
  dims,
  dataType: INT64,
  int64Data: values,
});

function buildTextModel(o: TextModelOptions = {}): Uint8Array {
  const maxLength = o.maxLength ?? 16;
  const t = tables(maxLength, o.relevant);
  const tokenTypes = o.tokenTypes ?? true;
  const node: object[] = [
    { input: ['word', 'input_ids'], output: ['we'], opType: 'Gather', name: 'word_emb' },
    { input: ['input_ids'], output: ['shape'], opType: 'Shape', name: 'shape' },
    { input: ['shape', 'one'], output: ['seqlen'], opType: 'Gather', name: 'seqlen' },
    { input: ['zero', 'seqlen', 'one'], output: ['positions'], opType: 'Range', name: 'range' },
    { input: ['pos', 'positions'], output: ['pe'], opType: 'Gather', name: 'pos_emb' },
    { input: ['we', 'pe'], output: ['wp'], opType: 'Add', name: 'add_pos' },
  ];
  let hidden = 'wp';
  if (tokenTypes) {
    node.push(
      { input: ['type', 'token_type_ids'], output: ['te'], opType: 'Gather', name: 'type_emb' },
      { input: ['wp', 'te'], output: ['h'], opType: 'Add', name: 'add_type' },
    );
    hidden = 'h';
  }
  const initializer: object[] = [
    init('word', t.word),
    init('pos', t.pos),
    int64('zero', [0], []),
    int64('one', [1], []),
  ];
  if (tokenTypes) initializer.push(init('type', t.type));
  const input = [vi('input_ids', ['batch', 'seq'], INT64), vi('attention_mask', ['batch', 'seq'], INT64)];
  if (tokenTypes) input.push(vi('token_type_ids', ['batch', 'seq'], INT64));
  if (!o.reranker) {
    node.push({ input: [hidden], output: ['last_hidden_state'], opType: 'Identity', name: 'out' });
    return encodeModel({
      name: 'tiny-text-embed',
      node,
      initializer,
      input,
      output: [vi('last_hidden_state', ['batch', 'seq', HIDDEN])],
    });
  }
  node.push(
    {
      input: ['attention_mask'],
      output: ['maskf'],
      opType: 'Cast',
      name: 'cast',
      attribute: [{ name: 'to', type: 2, i: FLOAT }],
    },
    { input: ['maskf', 'axis2'], output: ['mask3'], opType: 'Unsqueeze', name: 'unsq' },
    { input: [hidden, 'mask3'], output: ['masked'], opType: 'Mul', name: 'mask' },
    {
      input: ['masked', 'axis1'],
      output: ['summed'],
      opType: 'ReduceSum',
      name: 'sum',
      attribute: [{ name: 'keepdims', type: 2, i: 0 }],
    },
    { input: ['summed', 'w'], output: ['logits'], opType: 'MatMul', name: 'proj' },
  );
  initializer.push(int64('axis2', [2]), int64('axis1', [1]), init('w', [[1], [0], [0], [0]]));
  return encodeModel({
    name: 'tiny-text-rerank',
    node,
    initializer,
    input,
    output: [vi('logits', ['batch', 1])],
  });
}

export function tokenizerJson(): object {
  const special = (id: number, content: string) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map((s, i) => special(i, s)),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(VOCAB.map((t, i) => [t, i])),
    },
  };
}

/** Write the folder a standard export has: model.onnx, tokenizer.json, tokenizer_config.json [, 1_Pooling]. */
export function writeTextModel(dir: string, o: TextModelOptions & { tokenizer?: boolean } = {}): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), buildTextModel(o));
  if (o.tokenizer ?? true) {
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson()));
    writeFileSync(
      join(dir, 'tokenizer_config.json'),
      JSON.stringify({ model_max_length: o.maxLength ?? 16, do_lower_case: true, pad_token: '[PAD]' }),
    );
  }
  if (o.pooling) {
    mkdirSync(join(dir, '1_Pooling'), { recursive: true });
    writeFileSync(
      join(dir, '1_Pooling', 'config.json'),
      JSON.stringify({
        word_embedding_dimension: HIDDEN,
        pooling_mode_cls_token: o.pooling === 'cls',
        pooling_mode_mean_tokens: o.pooling === 'mean',
      }),
    );
  }
  return dir;
}
