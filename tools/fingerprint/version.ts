/**
 * One version vocabulary (docs/reference/wire-formats.md §6). The wire carries library versions in
 * several spellings: heartbeat `s:sp:hb_version` = `js-2.2.2.230-96e624`, `android-n-1.6.9.99-66a549`;
 * Media Collection `media.libraryVersion` = `android-media-3.0.0`; Chromecast `cc-js-3.0.3-2019815`;
 * AppMeasurement path tokens `JS-2.22.0`, `ANDN030002030300`. Scopes, reports, CSV and the site compare
 * and show the comparable core (`2.2.2.230`, `1.6.9.99`, `3.0.0`); the raw wire string stays on the
 * session as `sdk_version_raw`, one click away.
 */

/** AEP Analytics path token `{OS}{W}{AAAAAA}{CCCCCC}`: the Analytics extension version, two digits a part. */
const AEP_ANALYTICS_TOKEN = /^(?:AND|IOS|TOS|WOS)[A-Z](\d{2})(\d{2})(\d{2})\d{6}$/;

/**
 * The comparable core of a library version string: the first dotted numeric run, platform prefix,
 * build suffix and git hash dropped. Edge `implementationDetails.version` values with a `+` part
 * (`{core}+{edge}` on mobile, `{alloy}+{extension}` for the tags extension) stay whole, because neither
 * half alone names the library. A string with no dotted run is kept as it is (it still names something).
 */
export function versionCore(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  const v = raw.trim();
  if (v === '') return null;
  if (v.includes('+')) return v;
  const aep = AEP_ANALYTICS_TOKEN.exec(v);
  if (aep)
    return aep
      .slice(1, 4)
      .map((p) => String(Number(p)))
      .join('.');
  const run = /\d+(?:\.\d+)+/.exec(v);
  return run ? run[0] : v;
}
