import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic, type StaticServer } from './static-server.js';

/** Raw GET: fetch() would normalise the malformed escape before sending it. */
function get(base: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request(`${base}${path}`, (res) => {
      let body = '';
      res.on('data', (b: Buffer) => (body += b.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.path = path;
    req.end();
  });
}

let dir: string;
let server: StaticServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'goblin-static-'));
  mkdirSync(join(dir, 'specs'));
  writeFileSync(join(dir, 'index.html'), '<h1>home</h1>');
  writeFileSync(join(dir, 'specs', 'index.html'), '<h1>specs</h1>');
  writeFileSync(join(dir, '404.html'), '<h1>not here</h1>');
  server = await serveStatic(dir);
});
afterAll(() => server?.close());

describe('static server', () => {
  it('answers a malformed escape (/%E0%A4%A) with 400 and keeps serving', async () => {
    expect(await get(server.url, '/%E0%A4%A')).toMatchObject({ status: 400 });
    expect(await get(server.url, '/specs/')).toEqual({ status: 200, body: '<h1>specs</h1>' });
  });

  it('never serves outside its folder and shows 404.html for what is missing', async () => {
    // `%2e%2e` segments resolve inside the site root: /etc/passwd of the site, which does not exist.
    expect(await get(server.url, '/%2e%2e/%2e%2e/etc/passwd')).toEqual({
      status: 404,
      body: '<h1>not here</h1>',
    });
    expect(await get(server.url, '/nope/')).toEqual({ status: 404, body: '<h1>not here</h1>' });
  });

  it('`goblin site serve` prints its URL, serves the built site and stops on SIGINT', async () => {
    const bin = resolve(import.meta.dirname, '../../bin/goblin.js');
    const child = spawn(process.execPath, [bin, 'site', 'serve', '--dir', dir, '--port', '0'], { cwd: dir });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const url = await new Promise<string>((done) =>
      child.stdout.on('data', (b: Buffer) => {
        const m = /at (http:\/\/127\.0\.0\.1:\d+)\//.exec(b.toString());
        if (m) done(m[1]);
      }),
    );
    expect(await get(url, '/')).toEqual({ status: 200, body: '<h1>home</h1>' });
    child.kill('SIGINT');
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(code).toBe(0);
    expect(err.trim().split('\n').at(-1)).toBe('goblin site serve: exit 0 — served until interrupted');
  });
});
