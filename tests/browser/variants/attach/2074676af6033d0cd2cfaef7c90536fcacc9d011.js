export class BeaconLedger {
    data;
    armed = [];
    constructor(scenario, versions) {
        this.data = { scenario, beacons: [], mediaSession: null, ecids: [], versions, maxLateMs: 0, errors: [] };
    }
    arm(tag, target) {
        this.armed.push({ tag, target });
    }
    record(method, url, body, meta) {
        const tags = [];
        this.armed = this.armed.filter((a) => {
            const hit = (a.target === 'primary' && meta.primary) ||
                (a.target === 'main' && meta.main) ||
                (a.target === 'ecid' && meta.ecid && meta.kind !== 'aa') ||
                (a.target === 'media-edge' && meta.kind === 'media-edge');
            if (hit)
                tags.push(a.tag);
            return !hit;
        });
        this.data.beacons.push({ method, url, body, kind: meta.kind, tags });
    }
    error(message) {
        this.data.errors.push(message);
    }
    late(ms) {
        if (ms > this.data.maxLateMs)
            this.data.maxLateMs = Math.round(ms);
    }
}
export function every(ledger, ms, fn) {
    let next = performance.now() + ms;
    let stopped = false;
    let handle;
    const tick = () => {
        if (stopped)
            return;
        ledger.late(performance.now() - next);
        fn();
        next += ms;
        handle = setTimeout(tick, Math.max(0, next - performance.now()));
    };
    handle = setTimeout(tick, ms);
    return {
        stop() {
            stopped = true;
            clearTimeout(handle);
        },
    };
}
export class BeaconClock {
    last = 0;
    now() {
        const t = Math.max(Date.now(), this.last + 1);
        this.last = t;
        return t;
    }
}
export async function send(ledger, method, url, body, meta, init = {}) {
    ledger.record(method, url, body, meta);
    try {
        return await fetch(url, { method, body, keepalive: false, ...init });
    }
    catch (e) {
        ledger.error(`${method} ${url.slice(0, 120)}: ${e.message}`);
        return null;
    }
}
export function sendImage(ledger, url, meta, onLoad) {
    ledger.record('GET', url, null, meta);
    const img = new Image();
    if (onLoad)
        img.onload = onLoad;
    img.src = url;
}
