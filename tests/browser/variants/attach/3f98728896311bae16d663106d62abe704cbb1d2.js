import { BeaconClock, send } from './ledger.js';
export function newClock() {
    return new BeaconClock();
}
export async function fetchEcid(ctx) {
    const { site } = ctx;
    const url = `${location.protocol}//${site.visitorHost}/id?d_visid_ver=${site.versions.visitorApi}&d_fieldgroup=MC&d_rtbd=json&d_ver=2` +
        `&d_orgid=${encodeURIComponent(site.orgId)}&d_nsid=0&ts=${Date.now()}`;
    const res = await send(ctx.ledger, 'GET', url, null, { kind: 'other' }, { credentials: 'include' });
    if (!res || !res.ok)
        return null;
    const j = (await res.json());
    const mid = typeof j.d_mid === 'string' ? j.d_mid : null;
    if (mid) {
        ctx.visitor.ecid = mid;
        ctx.ledger.data.ecids.push(mid);
    }
    return mid;
}
export function digits(n) {
    let s = '';
    while (s.length < n)
        s += Math.floor(Math.random() * 1e9).toString();
    return s.slice(0, n);
}
export function uuid() {
    return crypto.randomUUID();
}
