import { Octokit } from '@octokit/rest';

/**
 * The forge client the PR bot uses: one `@octokit/rest` instance for GitHub or, with the base URL set
 * to `…/api/v1`, for Forgejo/Gitea. Only the handful of endpoints the bot needs; where the two APIs
 * differ (see README "Forgejo vs GitHub"), the branch is here and nowhere else.
 *
 * The token lives only in the Octokit instance (sent as `Authorization: token …`); it is never logged,
 * never part of an error message and never written to disk.
 */
export type ForgeKind = 'github' | 'forgejo';

export interface ForgeOptions {
  kind: ForgeKind;
  /** GitHub: https://api.github.com (or GHES …/api/v3). Forgejo/Gitea: https://host/api/v1 */
  apiUrl: string;
  owner: string;
  repo: string;
  token?: string;
  /** One line per request (method + path + status), never headers. */
  log?: (line: string) => void;
}

export interface Label {
  id: number;
  name: string;
}

export interface PullRequest {
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
  head_sha: string | null;
  base: string;
  labels: string[];
  html_url: string;
}

export interface Comment {
  id: number;
  body: string;
  user: string | null;
  created_at: string;
}

export interface Issue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  html_url: string;
}

/** Lifecycle labels: a proposal PR carries `spec:proposed`; `spec:shadow` once merged; promotion PRs `spec:active`. */
export const LIFECYCLE_LABELS = ['spec:proposed', 'spec:shadow', 'spec:active'] as const;
export const BOT_LABEL = 'goblin';
export const DASHBOARD_LABEL = 'goblin:dashboard';
const LABEL_COLORS: Record<string, string> = {
  'spec:proposed': 'fbca04',
  'spec:shadow': '5319e7',
  'spec:active': '0e8a16',
  goblin: '6f42c1',
  'goblin:dashboard': 'c5def5',
  'goblin:promote': '0e8a16',
  'goblin:demote': 'd93f0b',
};

type Json = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const labelNames = (v: unknown): string[] =>
  Array.isArray(v) ? v.map((l) => str((l as Json).name)).filter(Boolean) : [];

function toPull(p: Json): PullRequest {
  const head = (p.head ?? {}) as Json;
  const base = (p.base ?? {}) as Json;
  const mergedAt = (p.merged_at as string | null) ?? null;
  return {
    number: Number(p.number),
    title: str(p.title),
    body: str(p.body),
    state: p.state === 'closed' ? 'closed' : 'open',
    // GitHub's list endpoint has no `merged`; merged_at is set on both forges.
    merged: p.merged === true || mergedAt !== null,
    merged_at: mergedAt,
    merge_commit_sha: (p.merge_commit_sha as string | null) ?? null,
    created_at: str(p.created_at),
    closed_at: (p.closed_at as string | null) ?? null,
    head: str(head.ref),
    head_sha: (head.sha as string | null) ?? null,
    base: str(base.ref),
    labels: labelNames(p.labels),
    html_url: str(p.html_url),
  };
}

function toIssue(i: Json): Issue {
  return {
    number: Number(i.number),
    title: str(i.title),
    body: str(i.body),
    state: i.state === 'closed' ? 'closed' : 'open',
    labels: labelNames(i.labels),
    html_url: str(i.html_url),
  };
}

export class ForgeError extends Error {
  override name = 'ForgeError';
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

export class ForgeClient {
  readonly kind: ForgeKind;
  readonly owner: string;
  readonly repo: string;
  private readonly octokit: Octokit;
  private readonly log: (line: string) => void;
  private labelCache: Map<string, number> | null = null;

  constructor(opts: ForgeOptions) {
    this.kind = opts.kind;
    this.owner = opts.owner;
    this.repo = opts.repo;
    this.log = opts.log ?? (() => {});
    this.octokit = new Octokit({
      baseUrl: opts.apiUrl.replace(/\/+$/, ''),
      auth: opts.token || undefined,
      userAgent: 'weird-goblin-pr-bot',
      log: { debug() {}, info() {}, warn() {}, error() {} },
    });
  }

  /** One request; errors carry status + route only (octokit's own error object holds the headers). */
  private async call(route: string, params: Json = {}): Promise<unknown> {
    const full = { owner: this.owner, repo: this.repo, ...params };
    try {
      const res = await this.octokit.request(route, full);
      this.log(`${route.replace('{owner}', this.owner).replace('{repo}', this.repo)} → ${res.status}`);
      return res.data;
    } catch (e) {
      const status = (e as { status?: number }).status ?? null;
      const msg = (e as { response?: { data?: { message?: string } } }).response?.data?.message;
      this.log(`${route} → ${status ?? 'network error'}`);
      throw new ForgeError(
        `${this.kind} ${route} failed (${status ?? 'no response'})${msg ? `: ${msg}` : ''}`,
        status,
      );
    }
  }

  /** Every page of a list endpoint (GitHub: per_page; Forgejo: limit). */
  private async list(route: string, params: Json = {}): Promise<Json[]> {
    const out: Json[] = [];
    const size = 50;
    for (let page = 1; page < 100; page++) {
      const sizing = this.kind === 'github' ? { per_page: size } : { limit: size };
      const data = (await this.call(route, { ...params, ...sizing, page })) as Json[];
      if (!Array.isArray(data)) break;
      out.push(...data);
      if (data.length < size) break;
    }
    return out;
  }

  async listPulls(state: 'open' | 'closed' | 'all' = 'open', head?: string): Promise<PullRequest[]> {
    // GitHub filters by `head=owner:branch`; Forgejo's list has no head filter, so filter here.
    const params: Json = { state };
    if (head && this.kind === 'github') params.head = `${this.owner}:${head}`;
    const all = (await this.list('GET /repos/{owner}/{repo}/pulls', params)).map(toPull);
    return head ? all.filter((p) => p.head === head) : all;
  }

  async getPull(number: number): Promise<PullRequest> {
    return toPull(
      (await this.call('GET /repos/{owner}/{repo}/pulls/{pull_number}', { pull_number: number })) as Json,
    );
  }

  async createPull(p: { title: string; head: string; base: string; body: string }): Promise<PullRequest> {
    return toPull((await this.call('POST /repos/{owner}/{repo}/pulls', p)) as Json);
  }

  async updatePull(number: number, p: { title?: string; body?: string }): Promise<PullRequest> {
    return toPull(
      (await this.call('PATCH /repos/{owner}/{repo}/pulls/{pull_number}', {
        pull_number: number,
        ...p,
      })) as Json,
    );
  }

  /** Label name → id, creating missing labels (GitHub colors without '#', Forgejo with). */
  async ensureLabels(names: string[]): Promise<Map<string, number>> {
    if (!this.labelCache) {
      this.labelCache = new Map();
      for (const l of await this.list('GET /repos/{owner}/{repo}/labels'))
        this.labelCache.set(str(l.name), Number(l.id));
    }
    for (const name of names) {
      if (this.labelCache.has(name)) continue;
      const hex = LABEL_COLORS[name] ?? 'ededed';
      const created = (await this.call('POST /repos/{owner}/{repo}/labels', {
        name,
        color: this.kind === 'github' ? hex : `#${hex}`,
        description: `Weird Goblin: ${name}`,
      })) as Json;
      this.labelCache.set(name, Number(created.id));
    }
    return this.labelCache;
  }

  /**
   * Make the issue/PR carry exactly `want` among the labels in `managed` (others are kept).
   * GitHub replaces by names (`PUT …/issues/{n}/labels {labels: [names]}`); Forgejo by ids.
   */
  async setLabels(
    number: number,
    current: string[],
    want: string[],
    managed: readonly string[],
  ): Promise<boolean> {
    const keep = current.filter((l) => !managed.includes(l));
    const next = [...new Set([...keep, ...want])].sort();
    if (next.join('\n') === [...current].sort().join('\n')) return false;
    const ids = await this.ensureLabels(next);
    await this.call('PUT /repos/{owner}/{repo}/issues/{issue_number}/labels', {
      issue_number: number,
      labels: this.kind === 'github' ? next : next.map((n) => ids.get(n)),
    });
    return true;
  }

  async listComments(number: number): Promise<Comment[]> {
    return (
      await this.list('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { issue_number: number })
    ).map((c) => ({
      id: Number(c.id),
      body: str(c.body),
      user: str(((c.user ?? {}) as Json).login) || null,
      created_at: str(c.created_at),
    }));
  }

  /** The one comment carrying `marker` is edited in place (only when its body changed), else created. */
  async upsertMarkedComment(
    number: number,
    marker: string,
    body: string,
  ): Promise<{ id: number; action: 'created' | 'updated' | 'unchanged' }> {
    const existing = (await this.listComments(number)).find((c) => c.body.includes(marker));
    if (existing) {
      if (existing.body === body) return { id: existing.id, action: 'unchanged' };
      await this.call('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
        comment_id: existing.id,
        body,
      });
      return { id: existing.id, action: 'updated' };
    }
    const c = (await this.call('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      issue_number: number,
      body,
    })) as Json;
    return { id: Number(c.id), action: 'created' };
  }

  /** Open issues (not PRs) with a label. GitHub's issue list includes PRs; Forgejo takes `type=issues`. */
  async listIssues(label: string, state: 'open' | 'all' = 'open'): Promise<Issue[]> {
    const params: Json = { state, labels: label };
    if (this.kind === 'forgejo') params.type = 'issues';
    return (await this.list('GET /repos/{owner}/{repo}/issues', params))
      .filter((i) => !i.pull_request)
      .map(toIssue)
      .filter((i) => i.labels.includes(label));
  }

  async createIssue(p: { title: string; body: string; labels: string[] }): Promise<Issue> {
    const ids = await this.ensureLabels(p.labels);
    return toIssue(
      (await this.call('POST /repos/{owner}/{repo}/issues', {
        title: p.title,
        body: p.body,
        labels: this.kind === 'github' ? p.labels : p.labels.map((n) => ids.get(n)),
      })) as Json,
    );
  }

  async updateIssue(number: number, p: { title?: string; body?: string }): Promise<Issue> {
    return toIssue(
      (await this.call('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
        issue_number: number,
        ...p,
      })) as Json,
    );
  }
}

/** Forge settings from config + environment; the token is read from `token_env` and never stored. */
export function forgeFromConfig(
  forge: {
    kind: ForgeKind;
    api_url: string | null;
    owner: string | null;
    repo: string | null;
    token_env: string;
  },
  env: NodeJS.ProcessEnv = process.env,
  log?: (line: string) => void,
): ForgeClient {
  const missing = (['api_url', 'owner', 'repo'] as const).filter((k) => !forge[k]);
  if (missing.length)
    throw new ForgeError(
      `forge.${missing.join(', forge.')} not set in goblin.config.yaml (forge.kind ${forge.kind})`,
      null,
    );
  const token = env[forge.token_env];
  if (!token) throw new ForgeError(`no forge token: set the ${forge.token_env} environment variable`, null);
  return new ForgeClient({
    kind: forge.kind,
    apiUrl: forge.api_url!,
    owner: forge.owner!,
    repo: forge.repo!,
    token,
    log,
  });
}

/** Browser URL of the repository: config web_url, else derived from the API URL. */
export function webUrl(forge: {
  kind: ForgeKind;
  api_url: string | null;
  web_url: string | null;
  owner: string | null;
  repo: string | null;
}): string {
  if (forge.web_url) return forge.web_url.replace(/\/+$/, '');
  const api = (forge.api_url ?? '').replace(/\/+$/, '');
  const host =
    forge.kind === 'github'
      ? api === 'https://api.github.com' || !api
        ? 'https://github.com'
        : api.replace(/\/api\/v3$/, '')
      : api.replace(/\/api\/v1$/, '');
  return `${host}/${forge.owner ?? 'owner'}/${forge.repo ?? 'repo'}`;
}

/** Link to a file on a branch: GitHub `/blob/<ref>/<path>`, Forgejo `/src/branch/<ref>/<path>`. */
export function fileUrl(kind: ForgeKind, repoWeb: string, ref: string, path: string): string {
  return kind === 'github' ? `${repoWeb}/blob/${ref}/${path}` : `${repoWeb}/src/branch/${ref}/${path}`;
}
