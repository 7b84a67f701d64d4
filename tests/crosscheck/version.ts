// The comparable core of a library version string, as the truth file's `sdk_version` holds it.
//
// Reading: the dotted numeric run of the version with platform prefix, build suffix and git hash
// removed. AEP Analytics path tokens (`{OS}{W}{AAAAAA}{CCCCCC}`, e.g. `ANDN030002030300`) carry the
// Analytics extension version in their first six digits, two per part. Edge `implementationDetails.version`
// values with a `+` part (`{core}+{edge}` on mobile, `{alloy}+{extension}` for the tags extension) stay as
// they are because neither half alone names the library.

const AEP_ANALYTICS_TOKEN = /^(AND|IOS|TOS|WOS)[NCFRUX](\d{6})(\d{6})$/;

export function comparableCore(raw: string): string {
  if (raw.includes('+')) return raw;
  const aep = AEP_ANALYTICS_TOKEN.exec(raw);
  if (aep) {
    const digits = aep[2];
    return [digits.slice(0, 2), digits.slice(2, 4), digits.slice(4, 6)]
      .map((p) => String(Number(p)))
      .join('.');
  }
  const run = /\d+(?:\.\d+)+/.exec(raw);
  if (!run) throw new Error(`no dotted version in ${JSON.stringify(raw)}`);
  return run[0];
}
