/** Test helpers: a scenario corpus with a known-good background, and a scripted Ollama-compatible server. */
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GoblinConfig } from '../config/index.js';
import { cleanCorpus } from '../spec/clean-corpus.js';
import { loadConstitution } from '../spec/constitution.js';
import type { Bundle } from '../bundle/schema.js';
import { bundleFromCorpus, paramsSeen } from './bundler.js';
import { corpusFromHars, type Corpus } from './data.js';
import { SCENARIOS, writeScenario } from './scenarios.js';
import { currentSpecs } from './spec-util.js';

export const ROOT = join(import.meta.dirname, '../..');

export async function scenarioCorpus(
  id: string,
  config: GoblinConfig,
): Promise<{ corpus: Corpus; bundle: Bundle | null; goodDir: string; work: string }> {
  const work = mkdtempSync(join(tmpdir(), `goblin-propose-${id}-`));
  const goodDir = await cleanCorpus(config.autonomy.known_good_sessions);
  const good = corpusFromHars([goodDir], config, { root: ROOT });
  writeScenario(
    SCENARIOS.find((s) => s.id === id)!,
    join(work, 'hars'),
    config,
  );
  const target = corpusFromHars([join(work, 'hars')], config, { root: ROOT });
  const corpus: Corpus = {
    captures: [...good.captures, ...target.captures],
    datasetHash: target.datasetHash,
    source: id,
    notes: [],
  };
  const bundle = bundleFromCorpus(corpus, {
    specs: currentSpecs(ROOT),
    constitution: loadConstitution(join(ROOT, 'constitution.yaml')),
    config,
    knownParams: paramsSeen(good),
    now: '2026-01-01T00:00:00.000Z',
  });
  return { corpus, bundle, goodDir, work };
}

export interface FakeOllama {
  host: string;
  /** Writer answers, consumed in order (chat requests without `format`). */
  writer: string[];
  /** Judge answers (chat requests with `format`), consumed in order; default a high score. */
  judges: string[];
  requests: { path: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

/**
 * An Ollama-API-compatible server on 127.0.0.1 (GET /api/tags, POST /api/chat), closing itself after
 * `ttlMs` in case a test forgets to. The default is long: on a loaded 2-core runner a test file with
 * this server took over a minute, and a self-closing server made later tests "fail" with fetch errors.
 */
export async function startFakeOllama(ttlMs = 15 * 60_000): Promise<FakeOllama> {
  const state = { writer: [] as string[], judges: [] as string[], requests: [] as FakeOllama['requests'] };
  const server: Server = createServer((req, res) => {
    // One connection per call: an idle keep-alive socket the server times out (5 s by default) while a
    // slow, loaded test machine reuses it makes the client see ECONNRESET — a flake, not a finding.
    res.setHeader('Connection', 'close');
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      state.requests.push({ path: req.url ?? '', body });
      res.setHeader('content-type', 'application/json');
      if (req.url === '/api/tags') {
        res.end(
          JSON.stringify({
            models: ['qwen2.5:7b', 'mistral-nemo:12b', 'llama3.1:8b'].map((name, i) => ({
              name,
              model: name,
              modified_at: '2026-01-01T00:00:00Z',
              size: 1,
              digest: `sha256:${String(i + 1).repeat(64)}`,
              details: {},
            })),
          }),
        );
        return;
      }
      if (req.url === '/api/chat') {
        const content = body.format
          ? (state.judges.shift() ?? '{"consistency":0.9,"necessity":0.9,"evidence":0.9}')
          : (state.writer.shift() ?? 'not: [valid');
        res.end(
          JSON.stringify({
            model: body.model,
            created_at: '2026-01-01T00:00:00Z',
            message: { role: 'assistant', content },
            done: true,
            done_reason: 'stop',
          }),
        );
        return;
      }
      res.statusCode = 404;
      res.end(JSON.stringify({ error: 'not found' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const timer = setTimeout(() => server.close(), ttlMs);
  timer.unref();
  return {
    host: `http://127.0.0.1:${port}`,
    get writer() {
      return state.writer;
    },
    get judges() {
      return state.judges;
    },
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((r) => {
        clearTimeout(timer);
        server.close(() => r());
        server.closeAllConnections?.();
      }),
  } as FakeOllama;
}
