/** An Ollama-API-compatible server on 127.0.0.1 for tests: /api/embed (hashed bag-of-words vectors), /api/chat, /api/tags. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hashedBagOfWords } from '../text.js';

export interface FakeOllama {
  host: string;
  calls: { path: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

export async function startFakeOllama(
  opts: { dim?: number; chatQueries?: string[] } = {},
): Promise<FakeOllama> {
  const dim = opts.dim ?? 48;
  const calls: FakeOllama['calls'] = [];
  const server: Server = createServer((req, res) => {
    // One connection per call: an idle keep-alive socket the server times out (5 s by default) while a
    // slow, loaded test machine reuses it makes the client see ECONNRESET — a flake, not a finding.
    res.setHeader('Connection', 'close');
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      calls.push({ path, body });
      res.setHeader('content-type', 'application/json');
      if (path === '/api/embed') {
        const input = Array.isArray(body.input) ? (body.input as string[]) : [String(body.input)];
        res.end(
          JSON.stringify({
            model: body.model,
            embeddings: input.map((t) => Array.from(hashedBagOfWords(t, dim))),
          }),
        );
      } else if (path === '/api/chat') {
        res.end(
          JSON.stringify({
            model: body.model,
            created_at: new Date().toISOString(),
            message: { role: 'assistant', content: JSON.stringify({ queries: opts.chatQueries ?? [] }) },
            done: true,
          }),
        );
      } else if (path === '/api/tags') {
        res.end(JSON.stringify({ models: [] }));
      } else {
        res.statusCode = 404;
        res.end('{"error":"not found"}');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    host: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
