import type { PreferenceRecord } from '../pr/feedback.js';

/**
 * Few-shot examples for the LLM writer: the accepted edits (merged after a person changed the spec) most
 * similar to the new task, by token overlap of the writer prompts (bundle title, scope, finding, spec
 * id). Deterministic and cheap — no embedding model — so it works wherever the preference log does.
 */
const tokens = (s: string): Set<string> =>
  new Set(
    s
      .toLowerCase()
      .split(/[^a-z0-9.]+/)
      .filter((t) => t.length > 1),
  );

function jaccard(a: Set<string>, b: Set<string>): number {
  let inter = 0;
  for (const t of a) if (b.has(t)) inter++;
  return inter / Math.max(1, a.size + b.size - inter);
}

export interface EditExample {
  pr: number;
  spec_id: string;
  similarity: number;
  diff: string;
}

export function similarEdits(prompt: string, records: PreferenceRecord[], k = 3): EditExample[] {
  const q = tokens(prompt);
  return records
    .filter((r) => r.outcome === 'merged_edited' && r.diff)
    .map((r) => ({
      pr: r.pr,
      spec_id: r.spec_id,
      similarity: jaccard(q, tokens(`${r.prompt}\n${r.spec_id}`)),
      diff: r.diff!,
    }))
    .sort((a, b) => b.similarity - a.similarity || b.pr - a.pr)
    .slice(0, k);
}

/** The examples as a prompt section (empty when there are none). */
export function examplesPrompt(examples: EditExample[]): string {
  if (!examples.length) return '';
  return [
    'Reviewers edited earlier proposals like this one before merging them; write the spec the way they merged it:',
    ...examples.map((e) => `PR #${e.pr} (${e.spec_id}):\n${e.diff.trim()}`),
  ].join('\n\n');
}
