/**
 * Dictionary-induction benchmark: a synthetic store of N events (DuckDB `range()` + generated params JSON,
 * four SDKs, several versions, realistic key mixes) and the time `induceFromStore` takes over it.
 */
import { openStore } from '../store/db.js';
import { induceFromStore } from './induce.js';

export interface DictionaryBench {
  events: number;
  params: number;
  build_s: number;
  induce_s: number;
  events_per_s: number;
}

export async function benchDictionary(opts: { events?: number; path?: string } = {}): Promise<DictionaryBench> {
  const n = opts.events ?? 1_000_000;
  const store = await openStore(opts.path ?? ':memory:');
  try {
    const t0 = performance.now();
    // 40 events per session, 4 sessions per capture; sdk and version by session.
    await store.con.run(`INSERT INTO event (event_id, ts, ts_ms, sdk, family, sdk_version, event_type, har_hash, session_key, params)
      SELECT 'e' || i, TIMESTAMP '2024-03-01' + to_milliseconds(i * 1000), i * 1000.0,
        sdk, fam, ver, et, 'h' || (i // 160), 's' || (i // 40),
        CASE sdk
          WHEN 'heartbeat' THEN json_merge_patch(json_object('s:event:type', et, 'l:event:playhead', (i % 40) * 10, 'l:event:ts', 1709251200000 + i * 1000,
            's:event:sid', lpad(CAST((i // 40) * 7919 AS VARCHAR), 22, '1'), 's:asset:video_id', 'vid-' || ((i // 40) % 500),
            's:sp:hb_version', ver, 'l:stream:bitrate', ((i // 40) % 4) * 1500000, 's:stream:type', 'vod',
            's:sp:player_name', 'HTML5', 'l:asset:length', 1800 + (i // 40) % 600, 's:user:mid', 'h:' || md5(CAST(i // 160 AS VARCHAR))[:20])
            , CASE WHEN ver LIKE 'js-2.2%' THEN json_object('s:sp:ovp', 'none', 'l:stream:fps', 30) ELSE '{}'::JSON END)
          WHEN 'hb-api' THEN json_object('eventType', et, 'playerTime.playhead', (i % 40) * 10.0 + 0.5, 'playerTime.ts', 1709251200000 + i * 1000,
            'media.id', 'ep-' || ((i // 40) % 500), 'media.libraryVersion', ver, 'media.length', 1330.0, 'media.downloaded', (i % 2) = 0,
            'media.qoe.bitrate', 2000000, 'visitor.marketingCloudUserId', 'h:' || md5(CAST(i // 160 AS VARCHAR))[:20])
          WHEN 'edge' THEN json_object('eventType', 'media.' || et, 'mediaCollection.playhead', (i % 40) * 10, 'timestamp', strftime(TIMESTAMP '2024-03-01' + to_milliseconds(i * 1000), '%Y-%m-%dT%H:%M:%S.000Z'),
            'mediaCollection.sessionID', md5(CAST(i // 40 AS VARCHAR)), 'implementationDetails.version', ver,
            'implementationDetails.name', 'https://ns.adobe.com/experience/alloy', 'identityMap.ECID.0.id', 'h:' || md5(CAST(i // 160 AS VARCHAR))[:20])
          ELSE json_object('pe', CASE WHEN i % 3 = 0 THEN 'lnk_o' ELSE 'ms_s' END, 'pageName', 'Home/' || (i % 50), 'c.a.media.name', 'vid-' || ((i // 40) % 500),
            'c.a.media.vsid', lpad(CAST((i // 40) * 7919 AS VARCHAR), 22, '1'), 'AQB', '1', 'AQE', '1', 'ndh', '1', 'mid', 'h:' || md5(CAST(i // 160 AS VARCHAR))[:20],
            'eVar' || (i % 7), 'x' || (i % 13))
        END
      FROM (
        SELECT i, sdk, CASE sdk WHEN 'heartbeat' THEN 'heartbeat' WHEN 'hb-api' THEN 'media-collection' WHEN 'edge' THEN 'media-edge' ELSE 'aa' END AS fam,
          CASE sdk WHEN 'heartbeat' THEN ['js-2.1.0.10-aa', 'js-2.2.2.230-96e624'][1 + (i // 40) % 2]
                   WHEN 'hb-api' THEN ['android-media-3.1.2', 'ios-media-5.0.1'][1 + (i // 40) % 2]
                   WHEN 'edge' THEN ['2.19.0', '2.20.0'][1 + (i // 40) % 2]
                   ELSE 'JS-2.23.0-LDQM' END AS ver,
          CASE WHEN i % 40 = 0 THEN 'sessionStart' WHEN i % 40 = 39 THEN 'sessionComplete' ELSE 'ping' END AS et
        FROM (SELECT i, ['aa', 'heartbeat', 'hb-api', 'edge'][1 + (i // 160) % 4] AS sdk FROM range(${n}) t(i))
      )`);
    const build_s = (performance.now() - t0) / 1000;
    const r = await induceFromStore(store.con);
    return {
      events: r.events,
      params: r.entries.length,
      build_s: Math.round(build_s * 100) / 100,
      induce_s: Math.round(r.seconds * 100) / 100,
      events_per_s: Math.round(r.events / r.seconds),
    };
  } finally {
    store.close();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, '/'))) {
  const events = Number(process.argv[2] ?? 1_000_000);
  benchDictionary({ events }).then((r) => console.log(JSON.stringify(r)));
}
