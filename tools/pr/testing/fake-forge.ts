import { execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake forge on 127.0.0.1 implementing the subset of the GitHub REST API and of Forgejo's /api/v1
 * that the PR bot uses, with each forge's own quirks where they differ:
 *   - Forgejo: every path under /api/v1; label assignment takes label ids (names are rejected with 422);
 *     list pagination by `limit`; `type=issues` on the issue list; `merged` on PR objects.
 *   - GitHub: `head=owner:branch` filter on the PR list; label assignment by names; issue lists
 *     include PRs (with a `pull_request` key); `per_page` pagination; label colors without '#'.
 * Both: POST /pulls answers 422 when an open PR already exists for the head, or the head branch is
 * not in the bare repository. Every request is recorded.
 */
export type Flavor = 'github' | 'forgejo';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  authorization: string | null;
}

interface Pr {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  merged: boolean;
  merged_at: string | null;
  merge_commit_sha: string | null;
  created_at: string;
  closed_at: string | null;
  head: string;
  base: string;
  labels: number[];
}
interface IssueRec {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: number[];
}
interface CommentRec {
  id: number;
  issue: number;
  body: string;
  user: string;
  created_at: string;
}

export class FakeForge {
  readonly requests: RecordedRequest[] = [];
  readonly pulls: Pr[] = [];
  readonly issues: IssueRec[] = [];
  readonly comments: CommentRec[] = [];
  readonly labels: { id: number; name: string; color: string }[] = [];
  private nextNumber = 1;
  private nextId = 100;
  private server: Server | null = null;
  port = 0;

  constructor(
    readonly flavor: Flavor,
    readonly opts: { owner: string; repo: string; token: string; bareRepo?: string; now?: () => string },
  ) {}

  get prefix(): string {
    return this.flavor === 'forgejo' ? '/api/v1' : '';
  }
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}${this.prefix}`;
  }
  private now(): string {
    return this.opts.now?.() ?? new Date().toISOString();
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }
  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  // ---- test helpers (what a person does in the web UI) ----
  merge(number: number, mergeCommitSha: string, at = this.now()): void {
    const p = this.pulls.find((x) => x.number === number)!;
    Object.assign(p, {
      state: 'closed',
      merged: true,
      merged_at: at,
      closed_at: at,
      merge_commit_sha: mergeCommitSha,
    });
  }
  close(number: number, at = this.now()): void {
    Object.assign(
      this.pulls.find((x) => x.number === number)!,
      { state: 'closed', closed_at: at },
    );
  }
  comment(number: number, body: string, user = 'reviewer', at = this.now()): void {
    this.comments.push({ id: this.nextId++, issue: number, body, user, created_at: at });
  }
  /** A reviewer adds a label (e.g. `goblin:wrong-scope`) to a PR or issue, creating it if needed. */
  label(number: number, name: string): void {
    let l = this.labels.find((x) => x.name === name);
    if (!l) this.labels.push((l = { id: this.nextId++, name, color: 'ededed' }));
    const target =
      this.pulls.find((x) => x.number === number) ?? this.issues.find((x) => x.number === number)!;
    if (!target.labels.includes(l.id)) target.labels.push(l.id);
  }
  labelNames(ids: number[]): string[] {
    return ids.map((i) => this.labels.find((l) => l.id === i)?.name ?? `?${i}`);
  }
  /** Requests that changed state (not GETs). */
  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET');
  }

  private labelJson(ids: number[]) {
    return ids.map((id) => {
      const l = this.labels.find((x) => x.id === id)!;
      return { id: l.id, name: l.name, color: l.color };
    });
  }
  private htmlUrl(kind: 'pulls' | 'issues', n: number): string {
    const { owner, repo } = this.opts;
    return this.flavor === 'github'
      ? `https://github.example/${owner}/${repo}/${kind === 'pulls' ? 'pull' : 'issues'}/${n}`
      : `https://forgejo.example/${owner}/${repo}/${kind}/${n}`;
  }
  private prJson(p: Pr) {
    const headSha = this.opts.bareRepo ? this.revParse(p.head) : null;
    const j: Record<string, unknown> = {
      number: p.number,
      title: p.title,
      body: p.body,
      state: p.state,
      merged_at: p.merged_at,
      merge_commit_sha: p.merge_commit_sha,
      created_at: p.created_at,
      closed_at: p.closed_at,
      head: { ref: p.head, sha: headSha },
      base: { ref: p.base },
      labels: this.labelJson(p.labels),
      html_url: this.htmlUrl('pulls', p.number),
    };
    if (this.flavor === 'forgejo') j.merged = p.merged;
    return j;
  }
  private issueJson(i: IssueRec) {
    return {
      number: i.number,
      title: i.title,
      body: i.body,
      state: i.state,
      labels: this.labelJson(i.labels),
      html_url: this.htmlUrl('issues', i.number),
    };
  }
  private revParse(branch: string): string | null {
    try {
      return execFileSync('git', ['rev-parse', `refs/heads/${branch}`], {
        cwd: this.opts.bareRepo!,
        stdio: 'pipe',
      })
        .toString()
        .trim();
    } catch {
      return null;
    }
  }

  private page<T>(items: T[], q: Record<string, string>): T[] {
    const size = Number(this.flavor === 'github' ? (q.per_page ?? 30) : (q.limit ?? 30));
    const page = Number(q.page ?? 1);
    return items.slice((page - 1) * size, page * size);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      authorization: (req.headers.authorization as string | undefined) ?? null,
    };
    this.requests.push(rec);
    const send = (status: number, data: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(data));
    };
    if (rec.authorization !== `token ${this.opts.token}`) return send(401, { message: 'Bad credentials' });
    const base = `${this.prefix}/repos/${this.opts.owner}/${this.opts.repo}`;
    if (!url.pathname.startsWith(base)) return send(404, { message: 'Not Found' });
    const path = url.pathname.slice(base.length);
    const q = rec.query;
    const b = (body ?? {}) as Record<string, unknown>;
    let m: RegExpMatchArray | null;

    if (path === '/pulls' && rec.method === 'GET') {
      let list = this.pulls.filter((p) => q.state === 'all' || p.state === (q.state ?? 'open'));
      if (this.flavor === 'github' && q.head)
        list = list.filter((p) => `${this.opts.owner}:${p.head}` === q.head);
      return send(
        200,
        this.page(list, q).map((p) => this.prJson(p)),
      );
    }
    if (path === '/pulls' && rec.method === 'POST') {
      const head = String(b.head);
      if (this.pulls.some((p) => p.state === 'open' && p.head === head))
        return send(422, { message: 'pull request already exists for this head' });
      if (this.opts.bareRepo && !this.revParse(head))
        return send(422, { message: `head branch ${head} does not exist` });
      const p: Pr = {
        number: this.nextNumber++,
        title: String(b.title),
        body: String(b.body ?? ''),
        state: 'open',
        merged: false,
        merged_at: null,
        merge_commit_sha: null,
        created_at: this.now(),
        closed_at: null,
        head,
        base: String(b.base),
        labels: [],
      };
      this.pulls.push(p);
      return send(201, this.prJson(p));
    }
    if ((m = path.match(/^\/pulls\/(\d+)$/))) {
      const p = this.pulls.find((x) => x.number === Number(m![1]));
      if (!p) return send(404, { message: 'Not Found' });
      if (rec.method === 'PATCH') {
        if (typeof b.title === 'string') p.title = b.title;
        if (typeof b.body === 'string') p.body = b.body;
        if (b.state === 'closed' || b.state === 'open') p.state = b.state;
      }
      return send(200, this.prJson(p));
    }
    if (path === '/labels' && rec.method === 'GET') return send(200, this.page(this.labels, q));
    if (path === '/labels' && rec.method === 'POST') {
      const color = String(b.color ?? '');
      if (this.flavor === 'forgejo' && !color.startsWith('#'))
        return send(422, { message: 'color must be #rrggbb' });
      if (this.labels.some((l) => l.name === b.name)) return send(422, { message: 'label exists' });
      const l = { id: this.nextId++, name: String(b.name), color };
      this.labels.push(l);
      return send(201, l);
    }
    const toIds = (v: unknown): number[] | string => {
      const arr = Array.isArray(v) ? v : [];
      const ids: number[] = [];
      for (const x of arr) {
        if (this.flavor === 'forgejo') {
          if (typeof x !== 'number') return 'Forgejo expects label ids';
          if (!this.labels.some((l) => l.id === x)) return `no label id ${x}`;
          ids.push(x);
        } else {
          const l = this.labels.find((y) => y.name === x);
          if (!l) return `no label ${String(x)}`;
          ids.push(l.id);
        }
      }
      return ids;
    };
    const target = (n: number): { labels: number[] } | undefined =>
      this.pulls.find((p) => p.number === n) ?? this.issues.find((i) => i.number === n);
    if ((m = path.match(/^\/issues\/(\d+)\/labels$/)) && rec.method === 'PUT') {
      const t = target(Number(m[1]));
      if (!t) return send(404, { message: 'Not Found' });
      const ids = toIds(b.labels);
      if (typeof ids === 'string') return send(422, { message: ids });
      t.labels = ids;
      return send(200, this.labelJson(ids));
    }
    if ((m = path.match(/^\/issues\/(\d+)\/comments$/))) {
      const n = Number(m[1]);
      if (!target(n)) return send(404, { message: 'Not Found' });
      if (rec.method === 'POST') {
        const c = {
          id: this.nextId++,
          issue: n,
          body: String(b.body),
          user: 'goblin-bot',
          created_at: this.now(),
        };
        this.comments.push(c);
        return send(201, { ...c, user: { login: c.user } });
      }
      const list = this.comments.filter((c) => c.issue === n).map((c) => ({ ...c, user: { login: c.user } }));
      return send(200, this.page(list, q));
    }
    if ((m = path.match(/^\/issues\/comments\/(\d+)$/)) && rec.method === 'PATCH') {
      const c = this.comments.find((x) => x.id === Number(m![1]));
      if (!c) return send(404, { message: 'Not Found' });
      c.body = String(b.body);
      return send(200, { ...c, user: { login: c.user } });
    }
    if (path === '/issues' && rec.method === 'GET') {
      const state = q.state ?? 'open';
      const label = q.labels;
      const lid = this.labels.find((l) => l.name === label)?.id;
      let list: Record<string, unknown>[] = this.issues
        .filter((i) => state === 'all' || i.state === state)
        .filter((i) => !label || (lid !== undefined && i.labels.includes(lid)))
        .map((i) => this.issueJson(i));
      if (this.flavor === 'github' || q.type !== 'issues')
        list = list.concat(
          this.pulls
            .filter((p) => state === 'all' || p.state === state)
            .filter((p) => !label || (lid !== undefined && p.labels.includes(lid)))
            .map((p) => ({ ...this.prJson(p), pull_request: {} })),
        );
      return send(200, this.page(list, q));
    }
    if (path === '/issues' && rec.method === 'POST') {
      const ids = toIds(b.labels);
      if (typeof ids === 'string') return send(422, { message: ids });
      const i: IssueRec = {
        number: this.nextNumber++,
        title: String(b.title),
        body: String(b.body ?? ''),
        state: 'open',
        labels: ids,
      };
      this.issues.push(i);
      return send(201, this.issueJson(i));
    }
    if ((m = path.match(/^\/issues\/(\d+)$/)) && rec.method === 'PATCH') {
      const i = this.issues.find((x) => x.number === Number(m![1]));
      if (!i) return send(404, { message: 'Not Found' });
      if (typeof b.title === 'string') i.title = b.title;
      if (typeof b.body === 'string') i.body = b.body;
      return send(200, this.issueJson(i));
    }
    return send(404, { message: `fake forge: no route ${rec.method} ${url.pathname}` });
  }
}
