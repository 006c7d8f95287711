/**
 * Structured exceptions to a rule. The setting-based ones are recognised from the order
 * (hospice, inpatient, an emergency-department order within the state's day limit); the rest
 * (cancer, palliative care, post-surgical, sickle cell, a delay that would harm the patient)
 * apply only when the prescriber documents them, and are offered as choices otherwise.
 * "PMP unavailable" is handled by the engine from the attestation history.
 */
import type { DaysSupplyResult } from '../../orders/days-supply';
import type { Order } from '../../orders/order';
import type { Exemption, ExemptionKind } from '../pack';

export interface ExemptionMatch {
  exemption: Exemption;
  how: 'setting' | 'documented';
}

function withinDays(exemption: Exemption, supply: DaysSupplyResult): boolean {
  if (exemption.maxDays === undefined) return true;
  // The longest reading of the directions must fit: an exception for short supplies must not
  // cover an order that could last longer.
  const longest = supply.max ?? supply.daysSupply;
  return longest !== null && longest <= exemption.maxDays;
}

/** The first exception of a rule that this order meets, if any. */
export function matchExemption(
  exemptions: readonly Exemption[],
  order: Order,
  supply: DaysSupplyResult,
  documented: ReadonlySet<string>,
): ExemptionMatch | undefined {
  for (const e of exemptions) {
    if (e.kind === 'pmp-unavailable') continue;
    if (!withinDays(e, supply)) continue;
    if (e.kind === 'hospice' && order.setting === 'hospice') return { exemption: e, how: 'setting' };
    if (e.kind === 'inpatient' && order.setting === 'inpatient') return { exemption: e, how: 'setting' };
    if (e.kind === 'emergency-department' && order.setting === 'ed') return { exemption: e, how: 'setting' };
    if (documented.has(e.kind)) return { exemption: e, how: 'documented' };
  }
  return undefined;
}

/** Exceptions a prescriber documents rather than the order showing them. */
export const DOCUMENTED_KINDS: ReadonlySet<ExemptionKind> = new Set<ExemptionKind>([
  'hospice',
  'cancer',
  'palliative',
  'post-surgical',
  'sickle-cell',
  'delay-harms',
  'other',
]);
