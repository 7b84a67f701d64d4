/**
 * Subword tokenizers for local transformer models, read from the model folder's `tokenizer.json` (+
 * `tokenizer_config.json`) with @huggingface/tokenizers (pure JS; nothing is downloaded). Adds what that
 * library leaves to the caller: truncation to the model's maximum length (a position-embedding table
 * has no row past it), keeping the special tokens, and the pad id for batching.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';

export interface Encoded {
  ids: number[];
  typeIds: number[];
}

/** Longest input when tokenizer_config.json has none (or the "unbounded" sentinel 1e30): BERT's 512. */
const DEFAULT_MAX_LENGTH = 512;

export class SubwordTokenizer {
  private constructor(
    private readonly tok: Tokenizer,
    readonly maxLength: number,
    readonly padId: number,
    readonly file: string,
  ) {}

  /** The tokenizer in the first of `dirs` that has a tokenizer.json, or null. */
  static find(dirs: string[]): SubwordTokenizer | null {
    for (const dir of dirs) {
      const file = join(dir, 'tokenizer.json');
      if (!existsSync(file)) continue;
      const json = JSON.parse(readFileSync(file, 'utf8')) as {
        padding?: { pad_id?: number } | null;
        truncation?: { max_length?: number } | null;
      };
      const cfgFile = join(dir, 'tokenizer_config.json');
      const cfg = existsSync(cfgFile)
        ? (JSON.parse(readFileSync(cfgFile, 'utf8')) as { model_max_length?: number; pad_token?: string })
        : {};
      const tok = new Tokenizer(json, cfg);
      const declared = cfg.model_max_length ?? json.truncation?.max_length;
      const maxLength =
        typeof declared === 'number' && declared > 2 && declared < 1e6 ? declared : DEFAULT_MAX_LENGTH;
      const padId =
        json.padding?.pad_id ??
        (cfg.pad_token ? tok.token_to_id(cfg.pad_token) : undefined) ??
        tok.token_to_id('[PAD]') ??
        tok.token_to_id('<pad>') ??
        0;
      return new SubwordTokenizer(tok, maxLength, padId, file);
    }
    return null;
  }

  private raw(text: string, pair?: string): Encoded {
    const e = this.tok.encode(text, {
      text_pair: pair ?? null,
      add_special_tokens: true,
      return_token_type_ids: true,
    });
    return { ids: e.ids, typeIds: e.token_type_ids ?? e.ids.map(() => 0) };
  }

  /**
   * Encode a text (or a query/passage pair) with special tokens, at most `maxLength` tokens: the text —
   * for a pair, the passage — is cut at a word boundary, so the template's closing tokens survive.
   */
  encode(text: string, pair?: string): Encoded {
    let enc = this.raw(text, pair);
    if (enc.ids.length <= this.maxLength) return enc;
    let words = (pair ?? text).split(/\s+/).filter(Boolean);
    while (enc.ids.length > this.maxLength && words.length > 0) {
      // Cut in proportion to the overshoot, at least one word per round (a few rounds at most).
      const keep = Math.min(
        words.length - 1,
        Math.floor((words.length * this.maxLength) / enc.ids.length) - 1,
      );
      words = words.slice(0, Math.max(0, keep));
      const cut = words.join(' ');
      enc = pair === undefined ? this.raw(cut) : this.raw(text, cut);
    }
    if (enc.ids.length > this.maxLength)
      // Only the query (or one giant "word") is left and still too long: hard cut, keep the last token.
      return {
        ids: [...enc.ids.slice(0, this.maxLength - 1), enc.ids[enc.ids.length - 1]],
        typeIds: [...enc.typeIds.slice(0, this.maxLength - 1), enc.typeIds[enc.typeIds.length - 1]],
      };
    return enc;
  }
}
