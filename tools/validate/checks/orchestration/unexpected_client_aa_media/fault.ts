import { LIBRARY_INFO, type LibraryInfo } from '../../../../simulate/libraries.js';
import { aaMediaStart, type CaptureCtx, type SessionRender } from '../../../../simulate/render-media.js';
import type { Scenario } from '../../../../simulate/types.js';

/** The platform's Analytics library a leftover media module would send from. */
function aaLibraryFor(platform: Scenario['platform']): LibraryInfo {
  switch (platform) {
    case 'web':
      return LIBRARY_INFO['web-appmeasurement-2'];
    case 'roku':
      return LIBRARY_INFO['roku-adbmobile-2'];
    case 'tvos':
      return LIBRARY_INFO['tvos-aep-analytics-5'];
    case 'ios':
      return LIBRARY_INFO['ios-aep-analytics-5'];
    case 'chromecast':
      return LIBRARY_INFO['chromecast-adbmobile-3'];
    default:
      return LIBRARY_INFO['android-aep-analytics-3'];
  }
}

/** A client-side AA media start (pe=ms_s, no vsid) sent next to the Media Collection/Edge session. */
export function strayClientAaStart(ctx: CaptureCtx, s: SessionRender, scenario: Scenario): void {
  const aaLib = aaLibraryFor(scenario.platform);
  const sub: CaptureCtx = { ...ctx, lib: aaLib, aaToken: aaLib.aaToken ?? 'JS-2.23.0-LDQM' };
  const req = aaMediaStart(sub, s.tl.events[0].sendAt + ctx.rng.int(150, 2000), s.asset, {
    sid: null,
    lengthS: s.tl.lengthS,
    contentType: s.tl.content,
  });
  req.mark = 'ORCH_UNEXPECTED_CLIENT_AA_MEDIA';
  ctx.seq = sub.seq;
  s.notes.push(
    'client-side AA media start (pe=ms_s) sent next to the Media Collection/Edge session (leftover Media module)',
  );
}
