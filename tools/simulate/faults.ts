/**
 * The simulator's fault table, read from the check definitions: each check folder declares how its first
 * code is injected (tools/simulate/fault-def.ts). Adding a check with a `fault` adds it here.
 */
import { FAIL_CODES, type FailCode } from '../codes/catalog.js';
import { CHECK_LIST } from '../validate/checks/index.js';
import type { FaultDef } from './fault-def.js';
import { LIBRARY_INFO } from './libraries.js';
import type { Scenario } from './types.js';

const BY_CODE: ReadonlyMap<string, FaultDef> = new Map(
  CHECK_LIST.flatMap((c) => (c.fault ? [[c.codes[0], c.fault] as const] : [])),
);

/** Codes the simulator can inject, in catalog order (the corpus rotation follows it). */
export const FAULT_CODES: readonly FailCode[] = FAIL_CODES.map((c) => c.code).filter((c) => BY_CODE.has(c));

export function faultFor(code: string): FaultDef {
  const f = BY_CODE.get(code);
  if (!f) throw new Error(`the simulator has no fault for ${code} (its check declares none)`);
  return f;
}

/** Whether `code` can be injected into a scenario of this protocol/library. */
export function faultApplies(code: FailCode, s: Pick<Scenario, 'protocol' | 'library'>): boolean {
  const rule = BY_CODE.get(code);
  if (!rule) return false;
  const lib = LIBRARY_INFO[s.library];
  const protoOk =
    s.protocol === 'none'
      ? rule.protocols.includes('page')
      : rule.protocols.includes(s.protocol) || rule.protocols.includes('page');
  if (!protoOk) return false;
  if (rule.ok) return rule.ok(s as Scenario, lib);
  if (rule.where === 'page') return true;
  return s.protocol !== 'none';
}

/** Faults that live on page/app hits (truth session: null) for this scenario. */
export function isPageFault(code: FailCode, s: Scenario): boolean {
  const rule = faultFor(code);
  if (rule.where !== 'page') return false;
  if (s.protocol === 'none') return true;
  return rule.onPage ? rule.onPage(s) : true;
}
