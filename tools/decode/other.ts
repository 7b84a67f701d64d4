import { newParams } from '../envelope/params.js';
import type { Envelope, ParamValue } from '../envelope/index.js';
import { type EntryInput, newEnvelope, str } from './envelope-base.js';
import { platformFromUa, resolvePlatform } from './platform.js';
import { parseQueryFlat } from './query.js';

/**
 * ECID service, Audience Manager, Target and Tags loader calls → one envelope each (sdk `other`,
 * event `identity` for ECID/AAM, `other` otherwise). Never dropped: any body shape is accepted.
 */
export function decodeOther(input: EntryInput): Envelope[] {
  const { url, entry, family } = input;
  const params: Record<string, ParamValue> = url.query ? parseQueryFlat(url.query) : newParams();
  const env = newEnvelope(input, family, 'other', 0, params);
  const isIdentity = family === 'ecid' || family === 'aam';
  env.sequence.event_type = isIdentity ? 'identity' : 'other';
  env.sequence.raw_event_type = url.path;
  env.raw.body = entry.postText === '' ? null : entry.postText;

  if (isIdentity) {
    // Visitor API: d_mid (ECID once known), d_orgid; AAM/ID sync: d_mid, d_orgid too (wire-formats.md §1, [S5]).
    env.actor.ecid = str(params.d_mid) ?? str(params.mid);
    env.actor.org_id = str(params.d_orgid) ?? str(params.mcorgid);
  }
  if (family === 'target') {
    const client = /\/rest\/v1\/delivery|\/m2\/([^/]+)\//.exec(url.path);
    if (client?.[1]) params._target_client = client[1];
  }
  if (family === 'tags') {
    const m = /\/(launch|satelliteLib)-[^/]*$/.exec(url.path);
    if (m) params._tags_loader = m[1];
  }
  const signals = [platformFromUa(input.ua)];
  if (params.d_ptfm === 'roku') signals.push({ platform: 'roku', confidence: 0.8, signal: 'aam-ptfm' });
  const p = resolvePlatform(signals);
  env.platform = p.platform;
  return [env];
}
