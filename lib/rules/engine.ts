import { classifyDrug, type Classification, type StateScheduleAddition } from '../drugs/catalogue';
import { computeDaysSupply, type DaysSupplyResult } from '../orders/days-supply';
import type { Order } from '../orders/order';
import type { Decision, DecisionReason, ReviewEvent } from './decision';
import type { StatePack } from './pack';
import { runRule } from './registry';
import { hoursSince, newestReview } from './rules/time';

export interface EvaluateInput {
  order: Order;
  history: readonly ReviewEvent[];
  now: Date;
  pack: StatePack;
  stateAdditions?: readonly StateScheduleAddition[];
}

function formatStatute(statute: string, verified: boolean): string {
  return verified ? statute : `${statute} (unverified)`;
}

/** Is a PMP review due for this order, and why. Pure: same input, same decision. */
export function evaluateOrder({ order, history, now, pack, stateAdditions }: EvaluateInput): Decision {
  const drug: Classification = classifyDrug(order.drugText, {
    ...(order.rxcui ? { rxcui: order.rxcui } : {}),
    ...(order.ndc ? { ndc: order.ndc } : {}),
    ...(stateAdditions ? { stateAdditions } : {}),
  });
  const supply: DaysSupplyResult = computeDaysSupply({
    ...(order.sig !== undefined ? { sig: order.sig } : {}),
    ...(order.quantity !== undefined ? { quantity: order.quantity } : {}),
    ...(order.quantityText !== undefined ? { quantityText: order.quantityText } : {}),
    ...(order.quantityUnit !== undefined ? { quantityUnit: order.quantityUnit } : {}),
    ...(order.strength !== undefined ? { strength: order.strength } : {}),
    ...(order.daysSupply !== undefined ? { daysSupply: order.daysSupply } : {}),
    ...(order.durationDays !== undefined ? { durationDays: order.durationDays } : {}),
    ...(order.dosesPerDay !== undefined ? { dosesPerDay: order.dosesPerDay } : {}),
    ...(order.dose !== undefined ? { dose: order.dose } : {}),
  });
  const base = { drug, supply, state: pack.state, packVersion: pack.version, notes: [] as string[] };

  if (!drug.controlled) {
    return { ...base, status: 'not-required', ruleIds: [], reasons: [], headline: 'Not a controlled substance: no PMP review required' };
  }
  if (order.kind === 'administration' && pack.administrationExempt) {
    return {
      ...base,
      status: 'not-required',
      ruleIds: [],
      reasons: [],
      headline: `Administering is not prescribing: no PMP review required (${pack.state})`,
    };
  }

  const ctx = { order, drug, supply, history, now, pack };
  const reasons: DecisionReason[] = [];
  const notes: string[] = [];
  let unsatisfied = 0;
  let satisfyWithinHours: number | undefined;
  let nextDueOn: string | undefined;
  let lastReview: ReviewEvent | undefined;
  for (const rule of pack.rules) {
    if (!rule.enabled) continue;
    const out = runRule(rule, ctx);
    if (!out.applies) continue;
    reasons.push({
      ruleId: rule.id,
      text: out.reason,
      citation: formatStatute(rule.citation.statute, rule.verified),
      verified: rule.verified,
    });
    if (out.notes) notes.push(...out.notes);
    if (out.satisfiedBy) {
      if (!lastReview || Date.parse(out.satisfiedBy.at) > Date.parse(lastReview.at)) lastReview = out.satisfiedBy;
      if (out.nextDueOn && (!nextDueOn || out.nextDueOn < nextDueOn)) nextDueOn = out.nextDueOn;
    } else {
      unsatisfied++;
      if (out.satisfyWithinHours !== undefined) {
        satisfyWithinHours = Math.min(satisfyWithinHours ?? Infinity, out.satisfyWithinHours);
      }
    }
  }
  const ruleIds = reasons.map((r) => r.ruleId);
  const scheduleText = drug.schedule ? drug.schedule.replace(/^C/, 'Schedule ') : 'controlled';

  if (reasons.length === 0) {
    if (supply.daysSupply === null) {
      return {
        ...base,
        notes,
        status: 'undetermined',
        ruleIds,
        reasons,
        headline: `${scheduleText} drug: enter the quantity and directions to tell whether a PMP review is required`,
      };
    }
    return { ...base, notes, status: 'not-required', ruleIds, reasons, headline: `No PMP review required for this order (${pack.state})` };
  }

  const why = reasons.map((r) => r.text).join('; ');
  if (unsatisfied === 0 && lastReview) {
    return {
      ...base,
      notes,
      status: 'reviewed',
      ruleIds,
      reasons,
      headline: `PMP reviewed — ${why} (${pack.state})`,
      lastReview,
      ...(nextDueOn ? { nextDueOn } : {}),
    };
  }

  // The PMP-down exception: prescribing may go ahead, with a follow-up review once it is back.
  const down = newestReview(
    history,
    (e) => e.outcome === 'pmp-unavailable' && hoursSince(e.at, now) >= 0 && hoursSince(e.at, now) <= pack.pmpDownFollowUpHours,
  );
  if (down) {
    const followUpDueAt = new Date(Date.parse(down.at) + pack.pmpDownFollowUpHours * 3_600_000).toISOString();
    return {
      ...base,
      notes,
      status: 'pmp-unavailable',
      ruleIds,
      reasons,
      headline: `PMP was unavailable — review it again within ${pack.pmpDownFollowUpHours} hours (${pack.state})`,
      lastReview: down,
      followUpDueAt,
    };
  }

  return {
    ...base,
    notes,
    status: 'due',
    ruleIds,
    reasons,
    headline: `PMP review required — ${why} (${pack.state})`,
    ...(satisfyWithinHours !== undefined ? { satisfyWithinHours } : {}),
    ...(lastReview ? { lastReview } : {}),
  };
}
