import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { Site } from './site.js';

/**
 * What Adobe's collection servers answer, emulated for the recorder (pure: request in, reply out, state
 * in the instance). Answers follow the public API references: heartbeat `204`
 * (https://github.com/AdobeDocs/media-analytics.en legacy validation pages), Media Collection `201` +
 * `Location: /api/v1/sessions/{sid}` and `404` for an unknown session
 * (https://experienceleague.adobe.com/en/docs/media-analytics/using/implementation/media-collection-api/mc-api-ref/mc-api-sessions-req),
 * Edge `200` handles (`identity:result`, `locationHint:result`, `state:store`,
 * `media-analytics:new-session`) and `application/problem+json` errors such as `EXEG-0003-400` for an
 * unknown datastream (https://developer.adobe.com/data-collection-apis/docs/getting-started/troubleshooting/).
 */

export interface EmulatedRequest {
  method: string;
  host: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  body: string;
}

export interface EmulatedReply {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** The 1×1 transparent GIF Analytics answers image requests with. */
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const EDGE_HINT = 'or2';

export class AdobeEmulation {
  private readonly mcSessions = new Set<string>();
  private readonly edgeSessions = new Set<string>();
  /** Edge identity cookie value → ECID, so a returning browser keeps its id. */
  private readonly edgeIdentities = new Map<string, string>();

  constructor(private readonly site: Site) {}

  answer(req: EmulatedRequest): EmulatedReply | null {
    const host = req.host.toLowerCase();
    if (req.method === 'OPTIONS') return this.preflight(req);
    if (host === this.site.visitorHost) return this.visitor(req);
    if (host.endsWith('.hb-api.omtrdc.net')) return this.mediaCollection(req);
    if (host.endsWith('.hb.omtrdc.net')) return this.heartbeat(req);
    if (host.endsWith('.sc.omtrdc.net') && req.path.startsWith('/b/ss/'))
      return this.reply(req, 200, { 'Content-Type': 'image/gif' }, GIF);
    if (host === this.site.edgeHost) return this.edge(req);
    return null; // not Adobe: the page server answers
  }

  private cors(req: EmulatedRequest): Record<string, string> {
    const origin = req.headers.origin;
    return origin
      ? { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' }
      : {};
  }

  private reply(
    req: EmulatedRequest,
    status: number,
    headers: Record<string, string>,
    body: string | Buffer = '',
  ): EmulatedReply {
    return { status, headers: { ...this.cors(req), ...headers }, body };
  }

  private json(req: EmulatedRequest, status: number, value: unknown, type = 'application/json') {
    return this.reply(req, status, { 'Content-Type': `${type};charset=utf-8` }, JSON.stringify(value));
  }

  private preflight(req: EmulatedRequest): EmulatedReply {
    return this.reply(req, 204, {
      'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
      'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? 'content-type',
      'Access-Control-Max-Age': '600',
    });
  }

  /** ECID service: a new 38-digit id unless the caller already has one. */
  private visitor(req: EmulatedRequest): EmulatedReply {
    const mid = req.query.get('d_mid') ?? newEcid();
    return this.json(req, 200, {
      d_mid: mid,
      id_sync_ttl: 604800,
      d_blob: randomBytes(16).toString('base64url'),
      dcs_region: 7,
      d_ottl: 7200,
      ibs: [],
      subdomain: 'acmestream',
      tid: randomBytes(6).toString('base64url'),
    });
  }

  private heartbeat(req: EmulatedRequest): EmulatedReply {
    if (req.path.startsWith('/settings/'))
      return this.reply(
        req,
        200,
        { 'Content-Type': 'text/xml' },
        '<settings><trackingInterval>10</trackingInterval><setupCheckInterval>600</setupCheckInterval><trackExternalErrors>1</trackExternalErrors></settings>',
      );
    return this.reply(req, 204, {});
  }

  private mediaCollection(req: EmulatedRequest): EmulatedReply {
    let body: { eventType?: unknown } | null = null;
    try {
      body = JSON.parse(req.body) as { eventType?: unknown };
    } catch {
      return this.json(req, 400, { message: 'Request body is not valid JSON' });
    }
    if (typeof body?.eventType !== 'string') return this.json(req, 400, { message: 'eventType is required' });
    if (/^\/api\/v1\/sessions\/?$/.test(req.path)) {
      if (body.eventType !== 'sessionStart')
        return this.json(req, 400, { message: 'the first event must be sessionStart' });
      const sid = randomBytes(32).toString('hex');
      this.mcSessions.add(sid);
      return this.reply(req, 201, {
        Location: `/api/v1/sessions/${sid}`,
        'Access-Control-Expose-Headers': 'Location',
        'Content-Length': '0',
      });
    }
    const m = /^\/api\/v1\/sessions\/([^/]+)\/events\/?$/.exec(req.path);
    if (!m || !this.mcSessions.has(m[1]))
      return this.json(req, 404, { message: 'session not found or expired' });
    return this.reply(req, 204, {});
  }

  private edge(req: EmulatedRequest): EmulatedReply {
    const configId = req.query.get('configId') ?? req.query.get('datastreamId') ?? '';
    const requestId = req.query.get('requestId') ?? randomUUID();
    if (configId !== this.site.datastream)
      return this.json(
        req,
        400,
        {
          type: 'https://ns.adobe.com/aep/errors/EXEG-0003-400',
          status: 400,
          title: 'Invalid datastream ID',
          detail: `The datastream ID '${configId}' could not be found. Please check the value and try again.`,
          report: { requestId },
        },
        'application/problem+json',
      );
    let body: { events?: { xdm?: Record<string, unknown> }[]; meta?: unknown; query?: unknown };
    try {
      body = JSON.parse(req.body) as typeof body;
    } catch {
      return this.json(
        req,
        400,
        edgeError('va-edge-0400-400', 'Invalid request', requestId),
        'application/problem+json',
      );
    }
    const events = Array.isArray(body.events) ? body.events : [];
    const media = /\/va\/v1\/([A-Za-z]+)$/.exec(req.path);
    if (media && media[1] !== 'sessionStart') {
      const sid = (events[0]?.xdm?.mediaCollection as { sessionID?: unknown } | undefined)?.sessionID;
      if (typeof sid !== 'string' || !this.edgeSessions.has(sid))
        return this.json(
          req,
          404,
          edgeError('va-edge-0404-404', 'Not Found', requestId),
          'application/problem+json',
        );
      return this.reply(req, 204, {});
    }
    const handle: Record<string, unknown>[] = [];
    const ecid = this.edgeEcid(body.meta);
    if (JSON.stringify(body.query ?? {}).includes('ECID'))
      handle.push({ payload: [{ id: ecid, namespace: { code: 'ECID' } }], type: 'identity:result' });
    handle.push({
      payload: [
        { scope: 'Target', hint: '35', ttlSeconds: 1800 },
        { scope: 'AAM', hint: '7', ttlSeconds: 1800 },
        { scope: 'EdgeNetwork', hint: EDGE_HINT, ttlSeconds: 1800 },
      ],
      type: 'locationHint:result',
    });
    const org = this.site.orgId.replace('@', '_');
    handle.push({
      payload: [
        { key: `kndctr_${org}_identity`, value: this.identityCookie(ecid), maxAge: 34128000 },
        { key: `kndctr_${org}_cluster`, value: EDGE_HINT, maxAge: 1800 },
      ],
      type: 'state:store',
    });
    events.forEach((ev, i) => {
      if (ev?.xdm?.eventType !== 'media.sessionStart') return;
      const sid = randomBytes(32).toString('hex');
      this.edgeSessions.add(sid);
      handle.push({ payload: [{ sessionId: sid }], type: 'media-analytics:new-session', eventIndex: i });
    });
    return this.json(req, 200, { requestId, handle });
  }

  /** The ECID behind the request's identity cookie (`meta.state.entries`), or a new one. */
  private edgeEcid(meta: unknown): string {
    const entries = (meta as { state?: { entries?: { key?: unknown; value?: unknown }[] } } | undefined)
      ?.state?.entries;
    for (const e of entries ?? [])
      if (typeof e.key === 'string' && e.key.endsWith('_identity') && typeof e.value === 'string') {
        const known = this.edgeIdentities.get(e.value);
        if (known) return known;
      }
    return newEcid();
  }

  private identityCookie(ecid: string): string {
    for (const [cookie, id] of this.edgeIdentities) if (id === ecid) return cookie;
    const cookie = Buffer.from(`\n&\n${ecid}`).toString('base64');
    this.edgeIdentities.set(cookie, ecid);
    return cookie;
  }
}

function edgeError(code: string, title: string, requestId: string) {
  return {
    type: `https://ns.adobe.com/aep/errors/${code}`,
    status: Number(code.slice(-3)),
    title,
    report: { requestId },
  };
}

/** A 38-digit Experience Cloud ID. */
function newEcid(): string {
  let s = String(randomInt(1, 10));
  while (s.length < 38) s += String(randomInt(0, 10));
  return s;
}
