/** `goblin propose | judge | shadow`: spec proposals from investigate bundles, judged and shadow-replayed. */
import type { CommandContext, CommandDef } from '../command.js';
import { UsageError } from '../../util/errors.js';
import { JSON_OPTION } from '../options.js';
import { text } from '../values.js';

const INPUT = {
  type: 'string',
  multiple: true,
  description: 'HAR folder whose sessions measure the proposal',
  default: 'the bundle sample HARs',
  placeholder: 'DIR',
  value: text,
} as const;
const STORE = { type: 'boolean', description: 'measure on the sessions in the store' } as const;

const strs = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)];
const root = () => process.cwd();

function sourceOpts(ctx: CommandContext) {
  const input = strs(ctx.values.input);
  return { input: input.length ? input : undefined, store: !!ctx.values.store };
}

export const commands: CommandDef[] = [
  {
    name: 'propose',
    summary:
      'Draft a scoped spec change (spec, diff, dictionary, fixtures, citations, rationale) from an investigate bundle',
    usage: '<bundle.json> [--out DIR] [--llm] [--input DIR…|--store] [--json]',
    help: [
      'Writes proposals/<SPEC_ID>-<hash>/ (layout: tools/propose/proposal.ts). The deterministic proposer measures',
      "the bundle's metric on the sessions (bundle sample HARs, --input folders or the store) and refuses when the",
      'data does not support a change; --llm lets the Ollama writer (models.writer) draft it (fallback: deterministic).',
    ].join('\n'),
    options: {
      out: {
        type: 'string',
        description: 'folder the proposal is written under',
        default: 'autonomy.proposals_dir (proposals)',
        placeholder: 'DIR',
        value: text,
      },
      llm: { type: 'boolean', description: 'let the Ollama writer (models.writer) draft it' },
      input: INPUT,
      store: STORE,
      ...JSON_OPTION,
    },
    exits: { 0: 'proposal written', 1: 'no proposal: the data does not support a change (reason printed)' },
    async run(ctx) {
      const [file] = ctx.positionals;
      if (!file) throw new UsageError('goblin propose <bundle.json>');
      const { propose } = await import('../../propose/propose.js');
      const r = await propose(file, {
        root: root(),
        config: ctx.config,
        out: ctx.values.out as string | undefined,
        llm: !!ctx.values.llm,
        ...sourceOpts(ctx),
      });
      if (ctx.values.json)
        ctx.out(
          JSON.stringify(
            { dir: r.dir, proposer: r.proposer, refused: r.refused, manifest: r.manifest, notes: r.notes },
            null,
            2,
          ),
        );
      else if (r.dir) {
        ctx.out(`proposal: ${r.dir}`);
        ctx.out(`proposer: ${r.proposer}`);
        ctx.out(`summary:  ${r.manifest!.summary}`);
        ctx.out(
          `fixtures: ${r.manifest!.fixtures.pass.length} pass, ${r.manifest!.fixtures.fail.length} fail; citations: ${r.manifest!.citations.length}`,
        );
        for (const n of r.notes) ctx.err(`note: ${n}`);
      } else ctx.out(`no proposal: ${r.refused}`);
      return r.dir ? 0 : 1;
    },
  },
  {
    name: 'judge',
    summary:
      'Score a proposal (consistency, necessity, evidence; LLM judges 2-of-3 when configured) → judge.json',
    usage: '<proposal-dir> [--input DIR…|--store] [--no-llm] [--json]',
    help: 'Reads shadow.json when present, else runs the shadow replay.',
    options: {
      input: INPUT,
      store: STORE,
      'no-llm': {
        type: 'boolean',
        description: 'deterministic judges only, even when LLM judges are configured',
      },
      ...JSON_OPTION,
    },
    exits: { 0: 'ACCEPT', 1: 'REVIEW or REJECT (reasons printed)' },
    async run(ctx) {
      const [dir] = ctx.positionals;
      if (!dir) throw new UsageError('goblin judge <proposal-dir>');
      const { judge } = await import('../../propose/judges.js');
      const r = await judge(dir, {
        root: root(),
        config: ctx.config,
        llm: !ctx.values['no-llm'],
        shadowOpts: sourceOpts(ctx),
      });
      if (ctx.values.json) ctx.out(JSON.stringify(r, null, 2));
      else {
        ctx.out(
          `${r.decision}  score ${r.score}  (C ${r.consistency}, N ${r.necessity}, E ${r.evidence})${r.llm_used ? '' : '  [deterministic judges only]'}`,
        );
        for (const x of r.reasons) ctx.out(`  - ${x}`);
        for (const n of r.notes ?? []) ctx.err(`note: ${n}`);
      }
      return r.decision === 'ACCEPT' ? 0 : 1;
    },
  },
  {
    name: 'shadow',
    summary:
      'Replay sessions with the current pack and with a proposal applied; pre/post report → shadow.json + shadow.md',
    usage: '<proposal-dir> [--store|--input DIR…] [--known-good DIR…] [--json]',
    help: 'Default source: the store (storage.db_file), stratified by protocol/platform/SDK/version.',
    options: {
      input: INPUT,
      store: STORE,
      'known-good': {
        type: 'string',
        multiple: true,
        description: 'known-good capture folder that must stay free of findings',
        default: 'autonomy.known_good + every pass fixture',
        placeholder: 'DIR',
        value: text,
      },
      ...JSON_OPTION,
    },
    exits: { 0: 'accept: the proposal fixes more than it breaks', 1: 'reject (reasons printed)' },
    async run(ctx) {
      const [dir] = ctx.positionals;
      if (!dir) throw new UsageError('goblin shadow <proposal-dir>');
      const { shadow, shadowMd } = await import('../../propose/shadow.js');
      const { readProposal } = await import('../../propose/propose.js');
      const known = strs(ctx.values['known-good']);
      const r = await shadow(dir, {
        root: root(),
        config: ctx.config,
        ...sourceOpts(ctx),
        knownGood: known.length ? known : undefined,
      });
      if (ctx.values.json) ctx.out(JSON.stringify(r, null, 2));
      else ctx.out(shadowMd(r, readProposal(dir).manifest));
      return r.accept ? 0 : 1;
    },
  },
];
