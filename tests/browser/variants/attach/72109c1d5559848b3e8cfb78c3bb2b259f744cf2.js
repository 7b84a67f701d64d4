import { send, sendImage } from './ledger.js';
const MAX_GET_URL = 2047;
function localTime(d = new Date()) {
    return `${d.getDate()}/${d.getMonth()}/${d.getFullYear()} ${d.getHours()}:${d.getMinutes()}:${d.getSeconds()} ${d.getDay()} ${d.getTimezoneOffset()}`;
}
export function contextData(data) {
    const root = { values: [], children: new Map() };
    for (const [key, value] of Object.entries(data)) {
        const parts = key.split('.');
        let node = root;
        for (const p of parts.slice(0, -1)) {
            let next = node.children.get(p);
            if (!next)
                node.children.set(p, (next = { values: [], children: new Map() }));
            node = next;
        }
        node.values.push([parts[parts.length - 1], value]);
    }
    const out = [];
    const walk = (node) => {
        for (const [k, v] of node.values)
            out.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
        for (const [name, child] of node.children) {
            out.push(`${name}.`);
            walk(child);
            out.push(`.${name}`);
        }
    };
    out.push('c.');
    walk(root);
    out.push('.c');
    return out.join('&');
}
export class AppMeasurement {
    ctx;
    lastRequestMs = 0;
    constructor(ctx) {
        this.ctx = ctx;
    }
    path() {
        const { site } = this.ctx;
        const now = Date.now();
        const rand = `s${Math.floor(now / 10_800_000) % 10}${Math.floor(1e13 * Math.random())}`;
        return `${location.protocol}//${site.aaHost}/b/ss/${site.rsid}/1/${site.versions.appmeasurement}/${rand}`;
    }
    query(vars, context) {
        const { site, visitor } = this.ctx;
        const q = [
            ['AQB', '1'],
            ['ndh', '1'],
            ['pf', '1'],
            ['t', localTime()],
        ];
        if (visitor.ecid)
            q.push(['mid', visitor.ecid], ['aamlh', '7']);
        q.push(['ce', 'UTF-8'], ['ns', 'acmestream'], ...vars);
        q.push(['cc', 'USD'], ['s', `${screen.width}x${screen.height}`], ['c', String(screen.colorDepth)], ['j', '1.6'], ['v', 'N'], ['k', 'Y'], ['bw', String(innerWidth)], ['bh', String(innerHeight)], ['mcorgid', site.orgId]);
        if (this.lastRequestMs)
            q.push(['lrt', String(this.lastRequestMs)]);
        const body = q.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
        return `${body}${context ? `&${contextData(context)}` : ''}&AQE=1`;
    }
    async hit(query, meta, truncate = false) {
        const base = this.path();
        const url = `${base}?${query}`;
        const t0 = performance.now();
        const done = () => {
            this.lastRequestMs = Math.max(1, Math.round(performance.now() - t0));
        };
        if (url.length <= MAX_GET_URL)
            sendImage(this.ctx.ledger, url, meta, done);
        else if (truncate)
            sendImage(this.ctx.ledger, url.slice(0, MAX_GET_URL), meta, done);
        else {
            void send(this.ctx.ledger, 'POST', base, query, meta, {
                credentials: 'include',
                headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            }).then(done);
        }
    }
    async pageView(name, opts = {}) {
        const vars = [
            ['pageName', name],
            ['g', location.href],
            ['r', document.referrer],
            ['ch', 'watch'],
            ['events', opts.long ? 'prodView,event12' : 'event12'],
            ['v1', name],
            ['c1', 'watch'],
        ];
        if (opts.long) {
            const items = [];
            for (let i = 1; i <= 48; i++)
                items.push(`;series-${String(i).padStart(3, '0')}-recommended-after-playback;1;0.00;event12=1`);
            vars.push(['products', items.join(',')]);
        }
        await this.hit(this.query(vars, null), { kind: 'aa', primary: true, ecid: true }, opts.truncate);
    }
    async mediaStart(vsid, media, ad, pod) {
        const ctx = {
            'a.contentType': media.contentType,
            'a.media.name': media.id,
            'a.media.friendlyName': media.name,
            'a.media.length': String(Math.floor(media.length)),
            'a.media.playerName': media.playerName,
            'a.media.channel': media.channel,
            'a.media.sdkVersion': media.appVersion,
            'a.media.vsid': vsid,
        };
        if (!ad)
            ctx['a.media.view'] = 'true';
        else {
            ctx['a.media.ad.name'] = ad.id;
            ctx['a.media.ad.friendlyName'] = ad.name;
            ctx['a.media.ad.podFriendlyName'] = pod?.name ?? '';
            ctx['a.media.ad.length'] = String(ad.length);
            ctx['a.media.ad.playerName'] = media.playerName;
            ctx['a.media.ad.podPosition'] = String(ad.position);
            ctx['a.media.ad.view'] = 'true';
        }
        const vars = [
            ['pe', ad ? 'msa_s' : 'ms_s'],
            ['pev3', ad ? 'videoAd' : 'video'],
        ];
        await this.hit(this.query(vars, ctx), { kind: 'aa', ecid: true });
    }
}
