import { fetchEcid, newClock } from './context.js';
import { BeaconLedger } from './ledger.js';
class ClockPlayer {
    content = 0;
    ad = 0;
    since = performance.now();
    isPlaying = false;
    adOpen = false;
    settle() {
        const now = performance.now();
        if (this.isPlaying) {
            const dt = (now - this.since) / 1000;
            if (this.adOpen)
                this.ad += dt;
            else
                this.content += dt;
        }
        this.since = now;
    }
    contentPlayhead() {
        this.settle();
        return this.content;
    }
    adPlayhead() {
        this.settle();
        return this.ad;
    }
    inAd() {
        return this.adOpen;
    }
    playing() {
        return this.isPlaying;
    }
    setPlaying(p) {
        this.settle();
        this.isPlaying = p;
    }
    setAd(open) {
        this.settle();
        this.adOpen = open;
        this.ad = 0;
    }
    jumpBack(by) {
        this.settle();
        this.content = Math.max(0, this.content - by);
    }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
async function run(scenario, site) {
    const player = new ClockPlayer();
    const ledger = new BeaconLedger(scenario.id, {
        page: scenario.page === 'web-sdk' ? site.versions.alloy : site.versions.appmeasurement,
        media: scenario.protocol === 'heartbeat'
            ? site.versions.heartbeat
            : scenario.protocol === 'media-collection'
                ? site.versions.mediaJs
                : scenario.config?.mediaEdgeApi
                    ? null
                    : site.versions.alloy,
    });
    window.goblinLedger = ledger.data;
    const ctx = {
        site,
        ledger,
        clock: newClock(),
        player,
        visitor: { ecid: null },
        omitParams: new Set(scenario.config?.omitParams ?? []),
    };
    const usesAa = scenario.page === 'appmeasurement' || scenario.protocol === 'heartbeat';
    const usesEdge = scenario.page === 'web-sdk' || scenario.protocol === 'media-edge';
    const aa = usesAa ? new (await import('./appmeasurement.js')).AppMeasurement(ctx) : null;
    const edge = usesEdge ? new (await import('./web-sdk.js')).EdgeClient(ctx) : null;
    if (scenario.page === 'appmeasurement')
        await fetchEcid(ctx);
    let tracker;
    if (scenario.protocol === 'heartbeat')
        tracker = new (await import('./heartbeat.js')).HeartbeatTracker(ctx, aa, scenario.config?.skipAaMediaStart ?? false);
    else if (scenario.protocol === 'media-collection')
        tracker = new (await import('./media-collection.js')).MediaCollectionTracker(ctx);
    else
        tracker = new (await import('./web-sdk.js')).MediaEdgeTracker(ctx, edge, scenario.config?.mediaEdgeApi ?? false);
    let t0 = performance.now();
    for (const step of scenario.steps) {
        const wait = t0 + step.at - performance.now();
        if (wait > 0)
            await sleep(wait);
        else
            t0 -= wait;
        if (step !== scenario.steps[0])
            ledger.late(performance.now() - (t0 + step.at));
        await perform(step, ctx, tracker, aa, edge, scenario, player);
    }
    return ledger;
}
async function perform(step, ctx, tracker, aa, edge, scenario, player) {
    const tag = step.tag;
    switch (step.do) {
        case 'pageView':
            if (tag)
                ctx.ledger.arm(tag, 'primary');
            if (scenario.page === 'web-sdk')
                await edge.pageView(step.name);
            else
                await aa.pageView(step.name, { long: step.long, truncate: step.truncate });
            return;
        case 'dropPings':
            tracker.dropPings(step.count, tag);
            return;
        case 'jumpBack':
            player.jumpBack(step.by);
            if (tag)
                ctx.ledger.arm(tag, 'main');
            return;
        case 'changeEcid':
            await fetchEcid(ctx);
            if (tag)
                ctx.ledger.arm(tag, 'ecid');
            return;
        case 'badDatastream':
            tracker.useBadDatastream?.();
            if (tag)
                ctx.ledger.arm(tag, 'media-edge');
            return;
    }
    if (tag)
        ctx.ledger.arm(tag, 'primary');
    switch (step.do) {
        case 'sessionStart':
            await tracker.sessionStart(scenario.media);
            return;
        case 'adBreakStart':
            await tracker.adBreakStart(step.pod);
            return;
        case 'adStart':
            player.setAd(true);
            player.setPlaying(true);
            await tracker.adStart(step.ad);
            return;
        case 'adComplete':
            await tracker.adComplete();
            player.setAd(false);
            return;
        case 'adBreakComplete':
            player.setAd(false);
            await tracker.adBreakComplete();
            return;
        case 'play':
            player.setPlaying(true);
            await tracker.play();
            return;
        case 'pause':
            player.setPlaying(false);
            await tracker.pause();
            return;
        case 'complete':
            player.setPlaying(false);
            await tracker.complete();
            return;
        case 'end':
            await tracker.end();
            return;
    }
}
const config = JSON.parse(document.getElementById('scenario').textContent ?? '{}');
run(config.scenario, config.site).then(() => {
    document.title = 'done';
}, (e) => {
    document.title = `failed: ${e instanceof Error ? e.message : String(e)}`;
});
