import type { ParamValue } from '../envelope/index.js';
import { setParam } from './query.js';

/**
 * Flattens JSON into dotted keys, keeping JSON scalar types. Arrays are indexed (`ECID.0.id`);
 * an array of `{name, value}` under a key ending in `customMetadata` becomes `<key>.<name>`
 * (Edge `mediaCollection.customMetadata`). Empty objects/arrays produce nothing.
 */
export function flattenInto(
  out: Record<string, ParamValue>,
  prefix: string,
  value: unknown,
  depth = 0,
): void {
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  ) {
    if (prefix !== '') setParam(out, prefix, value as ParamValue);
    return;
  }
  if (value === undefined || typeof value !== 'object' || depth > 32) return;
  if (Array.isArray(value)) {
    if (prefix.endsWith('customMetadata') && isNameValueList(value)) {
      for (const item of value as { name: string; value: unknown }[]) {
        flattenInto(out, `${prefix}.${item.name}`, item.value, depth + 1);
      }
      return;
    }
    for (let i = 0; i < value.length; i++) {
      flattenInto(out, prefix === '' ? String(i) : `${prefix}.${i}`, value[i], depth + 1);
    }
    return;
  }
  const obj = value as Record<string, unknown>;
  for (const k in obj) {
    flattenInto(out, prefix === '' ? k : `${prefix}.${k}`, obj[k], depth + 1);
  }
}

function isNameValueList(a: unknown[]): boolean {
  for (const item of a) {
    if (item === null || typeof item !== 'object' || typeof (item as { name?: unknown }).name !== 'string') {
      return false;
    }
  }
  return a.length > 0;
}

/** Plain-object test for parsed JSON. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** JSON.parse that returns `undefined` instead of throwing. */
export function tryParseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A one-line, length-capped message for error lists. */
export function shortMessage(text: string, max = 160): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}
