/** A small, realistic corpus shared by the dictionary and fingerprint tests. */
import { HB_NEW, HB_OLD, heartbeatRequests, mcRequests, MC_A, MC_B, type HarReq } from './testing.js';

export const T0 = Date.parse('2024-03-14T09:00:00Z');

/** 8 web heartbeat captures (two builds, some with a preroll, each with its AA ms_s hit) + 6 Android MC captures (two builds). */
export function corpus(): Record<string, HarReq[]> {
  const hars: Record<string, HarReq[]> = {};
  for (let i = 0; i < 8; i++) {
    const build = i % 2 ? HB_NEW : HB_OLD;
    hars[`web-hb-${i}.har`] = heartbeatRequests({
      sid: `15274641500374595294${String(i).padStart(2, '0')}`,
      videoId: `vid-${1000 + i}`,
      name: `Episode ${i}`,
      length: 1200 + i * 60,
      build,
      pings: 3 + (i % 3),
      ad: i % 3 === 0,
      aa: true,
      t0: T0 + i * 3_600_000,
    });
  }
  for (let i = 0; i < 6; i++)
    hars[`android-mc-${i}.har`] = mcRequests({
      sid: `${String(i).repeat(8)}0123456789abcdef0123456789abcdef`.slice(0, 64),
      mediaId: `ep-${2000 + i}`,
      name: `Pilot ${i}`,
      length: 1330 + i,
      build: i % 2 ? MC_B : MC_A,
      pings: 2 + (i % 2),
      t0: T0 + i * 3_600_000 + 1000,
    });
  return hars;
}
