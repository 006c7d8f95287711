import { classifyDrug, type Classification, type StateScheduleAddition } from '../drugs/catalogue';
import { computeDaysSupply, type DaysSupplyResult } from '../orders/days-supply';
import type { Order } from '../orders/order';
import { limitAdvisory } from './advisories/supply-limit';
import { formatCitation, PDAPS_NOTE } from './citations';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings, type OrderContext } from './context';
import type { Advisory, AppliedExemption, AvailableExemption, Decision, DecisionReason, DecisionStatus, ReviewEvent } from './decision';
import type { NotModelled, RuleConfig, StatePack, SupplyLimit } from './pack';
import { viewAt, type PackView } from './pack-view';
import { runRule } from './registry';
import { matchExemption } from './rules/exemptions';
import { drugCovered } from './rules/scope';
import { hoursSince, isCalendarDate, localDate, newestReview } from './rules/time';
import type { CourseInfo } from './rules/types';

export { formatCitation, PDAPS_NOTE } from './citations';

export interface EvaluateInput {
  order: Order;
  history: readonly ReviewEvent[];
  now: Date;
  pack: StatePack;
  stateAdditions?: readonly StateScheduleAddition[];
  /** The date whose law applies (YYYY-MM-DD); by default today in the state's time zone. */
  asOf?: string;
  context?: OrderContext;
  settings?: EngineSettings;
}

// ------------------------------------------------------------------ caches
// Classification and days supply depend only on the order's text fields, and a practice writes
// the same few hundred drugs and directions over and over: memoising them is what lets the
// engine answer well over 100,000 orders a second. Results are frozen because they are shared.

const CACHE_LIMIT = 20_000;
const NO_ADDITIONS: readonly StateScheduleAddition[] = [];
const CLASSIFIED = new WeakMap<readonly StateScheduleAddition[], Map<string, Classification>>();
const SUPPLIES = new Map<string, DaysSupplyResult>();
const PACK_ADDITIONS = new WeakMap<StatePack, Map<string, readonly StateScheduleAddition[]>>();

/** The pack's schedule additions in force on a date (plus any the caller adds), one array per combination. */
function additionsFor(pack: StatePack, asOf: string | undefined, extra: readonly StateScheduleAddition[] | undefined): readonly StateScheduleAddition[] {
  if (pack.stateAdditions.length === 0 && !extra?.length) return NO_ADDITIONS;
  const active = pack.stateAdditions.filter((a) => a.effective === undefined || (asOf !== undefined && a.effective <= asOf));
  if (extra?.length) return [...active.map(({ verified: _v, effective: _e, ...a }) => a), ...extra];
  if (active.length === 0) return NO_ADDITIONS;
  let byMask = PACK_ADDITIONS.get(pack);
  if (!byMask) {
    byMask = new Map();
    PACK_ADDITIONS.set(pack, byMask);
  }
  const mask = active.map((a) => pack.stateAdditions.indexOf(a)).join(',');
  let adds = byMask.get(mask);
  if (!adds) {
    adds = active.map(({ verified: _v, effective: _e, ...a }) => a);
    byMask.set(mask, adds);
  }
  return adds;
}

function classify(order: Order, additions: readonly StateScheduleAddition[]): Classification {
  let cache = CLASSIFIED.get(additions);
  if (!cache) {
    cache = new Map();
    CLASSIFIED.set(additions, cache);
  }
  const key = order.rxcui || order.ndc ? `${order.drugText}\u0000${order.rxcui ?? ''}\u0000${order.ndc ?? ''}` : order.drugText;
  const hit = cache.get(key);
  if (hit) return hit;
  const drug = Object.freeze(
    classifyDrug(order.drugText, {
      ...(order.rxcui ? { rxcui: order.rxcui } : {}),
      ...(order.ndc ? { ndc: order.ndc } : {}),
      ...(additions.length ? { stateAdditions: additions } : {}),
    }),
  );
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, drug);
  return drug;
}

// The common order has only directions and a quantity: those are looked up without building a key.
const SIMPLE_SUPPLIES = new Map<string, Map<number | undefined, DaysSupplyResult>>();
let simpleCount = 0;

function supplyOf(order: Order): DaysSupplyResult {
  const simple =
    order.quantityText === undefined &&
    order.quantityUnit === undefined &&
    order.strength === undefined &&
    order.daysSupply === undefined &&
    order.durationDays === undefined &&
    order.dosesPerDay === undefined &&
    order.dose === undefined;
  if (simple) {
    const sig = order.sig ?? '';
    let bySig = SIMPLE_SUPPLIES.get(sig);
    const hit = bySig?.get(order.quantity);
    if (hit) return hit;
    const supply = computeSupply(order);
    if (simpleCount >= CACHE_LIMIT) {
      SIMPLE_SUPPLIES.clear();
      simpleCount = 0;
      bySig = undefined;
    }
    if (!bySig) {
      bySig = new Map();
      SIMPLE_SUPPLIES.set(sig, bySig);
    }
    bySig.set(order.quantity, supply);
    simpleCount++;
    return supply;
  }
  const key = `${order.sig ?? ''}\u0001${String(order.quantity)}\u0001${order.quantityText ?? ''}\u0001${order.quantityUnit ?? ''}\u0001${order.strength ?? ''}\u0001${String(order.daysSupply)}\u0001${String(order.durationDays)}\u0001${String(order.dosesPerDay)}\u0001${String(order.dose)}`;
  const hit = SUPPLIES.get(key);
  if (hit) return hit;
  const supply = computeSupply(order);
  if (SUPPLIES.size >= CACHE_LIMIT) SUPPLIES.clear();
  SUPPLIES.set(key, supply);
  return supply;
}

function computeSupply(order: Order): DaysSupplyResult {
  return Object.freeze(
    computeDaysSupply({
      ...(order.sig !== undefined ? { sig: order.sig } : {}),
      ...(order.quantity !== undefined ? { quantity: order.quantity } : {}),
      ...(order.quantityText !== undefined ? { quantityText: order.quantityText } : {}),
      ...(order.quantityUnit !== undefined ? { quantityUnit: order.quantityUnit } : {}),
      ...(order.strength !== undefined ? { strength: order.strength } : {}),
      ...(order.daysSupply !== undefined ? { daysSupply: order.daysSupply } : {}),
      ...(order.durationDays !== undefined ? { durationDays: order.durationDays } : {}),
      ...(order.dosesPerDay !== undefined ? { dosesPerDay: order.dosesPerDay } : {}),
      ...(order.dose !== undefined ? { dose: order.dose } : {}),
    }),
  );
}

// ------------------------------------------------------------------ course of treatment

const NOTHING_DOCUMENTED: ReadonlySet<string> = new Set();
const ENCOUNTER_HOURS = 24;
const HISTORY_LOOKBACK_HOURS = 365 * 24;

function resolveCourse(order: Order, context: OrderContext | undefined, settings: EngineSettings, history: readonly ReviewEvent[], now: Date): CourseInfo {
  if (context?.initialPrescription !== undefined) {
    const initial = context.initialPrescription;
    return { initial, continuing: !initial, known: true, source: 'context' };
  }
  if (order.continuousTherapy === true) return { initial: false, continuing: true, known: true, source: 'order' };
  if (settings.continuousTherapy === 'order-flag-or-history') {
    const earlier = history.some((e) => {
      if (e.outcome !== 'reviewed') return false;
      const h = hoursSince(e.at, now);
      return h > ENCOUNTER_HOURS && h <= HISTORY_LOOKBACK_HOURS;
    });
    if (earlier) return { initial: false, continuing: true, known: true, source: 'history' };
  }
  if (order.continuousTherapy === false) return { initial: true, continuing: false, known: true, source: 'order' };
  return { initial: true, continuing: false, known: false, source: 'assumed' };
}

// ------------------------------------------------------------------ the decision

interface Common {
  drug: Classification;
  supply: DaysSupplyResult;
  state: string;
  packVersion: string;
  asOf: string | undefined;
  provenance: string;
}

interface Fields {
  ruleIds: string[];
  reasons: DecisionReason[];
  notes: string[];
  advisories: Advisory[];
  exemptions: AppliedExemption[];
  availableExemptions: AvailableExemption[];
  satisfyWithinHours?: number;
  nextDueOn?: string;
  followUpDueAt?: string;
  lastReview?: ReviewEvent;
}

const NO_FIELDS: Readonly<Fields> = Object.freeze({ ruleIds: [], reasons: [], notes: [], advisories: [], exemptions: [], availableExemptions: [] });

/**
 * One Decision, always built in the same shape. (Spreading a shared base object into each
 * return cost more than the whole rule evaluation.)
 */
function finish(c: Common, status: DecisionStatus, headline: string, f: Readonly<Fields> = NO_FIELDS): Decision {
  const d: Decision = {
    status,
    ruleIds: f === NO_FIELDS ? [] : f.ruleIds,
    headline,
    reasons: f === NO_FIELDS ? [] : f.reasons,
    notes: f === NO_FIELDS ? [] : f.notes,
    drug: c.drug,
    supply: c.supply,
    state: c.state,
    packVersion: c.packVersion,
    provenance: c.provenance,
    advisories: f === NO_FIELDS ? [] : f.advisories,
    exemptions: f === NO_FIELDS ? [] : f.exemptions,
    availableExemptions: f === NO_FIELDS ? [] : f.availableExemptions,
  };
  if (c.asOf !== undefined) d.asOf = c.asOf;
  if (f.satisfyWithinHours !== undefined) d.satisfyWithinHours = f.satisfyWithinHours;
  if (f.nextDueOn !== undefined) d.nextDueOn = f.nextDueOn;
  if (f.followUpDueAt !== undefined) d.followUpDueAt = f.followUpDueAt;
  if (f.lastReview !== undefined) d.lastReview = f.lastReview;
  return d;
}

interface RuleText {
  citation: string;
  coderNote: string | undefined;
  exemptionKeys: string[];
}
const RULE_TEXT = new WeakMap<object, RuleText>();

/** A rule's citation and coder's note as the decision shows them, built once per rule. */
function ruleText(rule: RuleConfig): RuleText {
  let t = RULE_TEXT.get(rule);
  if (!t) {
    t = {
      citation: formatCitation(rule.citation.statute, rule.verified, rule.origin),
      coderNote: rule.citation.caution && rule.origin === 'pdaps' ? CODER_NOTE : undefined,
      exemptionKeys: rule.exemptions.map((e) => `${e.kind}\u0000${e.wording}`),
    };
    RULE_TEXT.set(rule, t);
  }
  return t;
}

const UNMODELLED_NOTES = new WeakMap<object, { opioid: string | undefined; other: string | undefined }>();

/** The note naming what the law in force cannot have checked, built once per pack view. */
function unmodelledNote(view: PackView, state: string, opioid: boolean): string | undefined {
  let notes = UNMODELLED_NOTES.get(view);
  if (!notes) {
    const build = (items: readonly NotModelled[]) => {
      const example = items[0];
      if (!example) return undefined;
      return `${String(items.length)} part${items.length === 1 ? '' : 's'} of ${state}'s law that apply here cannot be checked automatically (e.g. “${example.answer}”): see the state's rules in the options.`;
    };
    // Supply-limit answers concern opioids only; review answers concern every controlled drug.
    notes = { opioid: build(view.unmodelled), other: build(view.unmodelled.filter((n) => n.area === 'review')) };
    UNMODELLED_NOTES.set(view, notes);
  }
  return opioid ? notes.opioid : notes.other;
}

function limitCitation(limit: SupplyLimit): string {
  return formatCitation(limit.citation.statute, limit.verified, limit.origin);
}

/** PDAPS's coder's notes often narrow a rule but can run to pages: the prompt points to them. */
const CODER_NOTE = "PDAPS's coder adds a note that may narrow this rule: read it with the state's rules in the options.";

const VALID_DATES = new Map<string, boolean>();

/** isCalendarDate, remembered: an audit asks about the same few thousand dates again and again. */
function validDate(s: string): boolean {
  let ok = VALID_DATES.get(s);
  if (ok === undefined) {
    ok = isCalendarDate(s);
    if (VALID_DATES.size > 20_000) VALID_DATES.clear();
    VALID_DATES.set(s, ok);
  }
  return ok;
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}

/** Is a PMP review due for this order, and why. Pure: same input, same decision. */
export function evaluateOrder(input: EvaluateInput): Decision {
  const { order, history, now, pack } = input;
  const settings = input.settings ?? DEFAULT_ENGINE_SETTINGS;
  const validNow = Number.isFinite(now.getTime());
  // A date that is not YYYY-MM-DD (or does not exist) is treated as no date: "undetermined".
  const asOfGiven = input.asOf !== undefined && validDate(input.asOf) ? input.asOf : undefined;
  const asOf = input.asOf !== undefined ? asOfGiven : validNow ? localDate(now, pack.timeZone) : undefined;
  const drug = classify(order, additionsFor(pack, asOf, input.stateAdditions));
  const supply = supplyOf(order);
  const baselineInForce =
    pack.provenance.kind === 'pdaps' || (pack.provenance.replacesBaselineFrom !== undefined && asOf !== undefined && asOf < pack.provenance.replacesBaselineFrom);
  const common: Common = {
    drug,
    supply,
    state: pack.state,
    packVersion: pack.version,
    asOf,
    provenance: baselineInForce ? PDAPS_NOTE : pack.provenance.statement,
  };

  if (!validNow || !asOf) return finish(common, 'undetermined', 'The date of the order is not a valid date');
  if (asOf < pack.coverageFrom) {
    return finish(common, 'undetermined', `No law is coded for ${pack.state} before ${pack.coverageFrom}: the engine cannot say what applied on ${asOf}`);
  }
  if (!drug.controlled) return finish(common, 'not-required', 'Not a controlled substance: no PMP review required');
  if (order.kind === 'administration' && pack.administrationExempt) {
    return finish(common, 'not-required', `Administering is not prescribing: no PMP review required (${pack.state})`);
  }

  const view = viewAt(pack, asOf);
  const course = resolveCourse(order, input.context, settings, history, now);
  const documented: ReadonlySet<string> = input.context?.documentedExemptions?.length ? new Set(input.context.documentedExemptions) : NOTHING_DOCUMENTED;
  // A delegate's review does not count where the state does not let delegates check.
  const delegatesBarred = view.delegates?.allowed === false;
  const counted = delegatesBarred ? history.filter((e) => e.reviewerRole !== 'delegate') : history;
  const ctx = { order, drug, supply, history: counted, now, pack, course };

  const reasons: DecisionReason[] = [];
  const notes: string[] = [];
  const exemptions: AppliedExemption[] = [];
  const available = new Map<string, AvailableExemption>();
  let unsatisfied = 0;
  let pdapsReason = false;
  let satisfyWithinHours: number | undefined;
  let nextDueOn: string | undefined;
  let lastReview: ReviewEvent | undefined;
  for (const rule of view.rules) {
    if (!rule.enabled || !drugCovered(rule.drugs, drug)) continue;
    if (rule.settings && (order.setting === undefined || !rule.settings.includes(order.setting))) continue;
    if (rule.minAgeYears !== undefined && order.patientAgeYears !== undefined && order.patientAgeYears < rule.minAgeYears) continue;
    const out = runRule(rule, ctx);
    if (!out.applies) continue;
    const text = ruleText(rule);
    const citation = text.citation;
    const exempt = matchExemption(rule.exemptions, order, supply, documented);
    if (exempt) {
      exemptions.push({ ruleId: rule.id, kind: exempt.exemption.kind, wording: exempt.exemption.wording, citation: exempt.exemption.citation ?? citation, how: exempt.how });
      continue;
    }
    for (const [i, e] of rule.exemptions.entries()) {
      const key = text.exemptionKeys[i] ?? e.kind;
      const entry = available.get(key) ?? { kind: e.kind, wording: e.wording, citation: e.citation ?? citation, ruleIds: [] };
      entry.ruleIds.push(rule.id);
      available.set(key, entry);
    }
    reasons.push({ ruleId: rule.id, text: out.reason, citation, verified: rule.verified });
    if (rule.origin === 'pdaps') pdapsReason = true;
    if (text.coderNote) notes.push(text.coderNote);
    if (out.notes) notes.push(...out.notes);
    if (rule.type === 'periodic-review' && course.source === 'history') {
      notes.push('Treated as continuing treatment: this patient has a PMP review on record from an earlier visit.');
    }
    if (delegatesBarred && counted.length !== history.length) {
      notes.push(`A delegate's review does not count in ${pack.state}: the prescriber must review the PMP.`);
    }
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

  const advisories: Advisory[] = [];
  for (const limit of view.limits) {
    const a = limitAdvisory(limit, {
      order,
      drug,
      supply,
      course,
      acutePain: input.context?.acutePain,
      documented,
      state: pack.state,
      citation: limitCitation,
    });
    if (a) advisories.push(a);
  }
  const unmodelled = unmodelledNote(view, pack.state, drug.opioid);
  if (unmodelled) notes.push(unmodelled);
  if (baselineInForce || pdapsReason) notes.push(PDAPS_NOTE);

  const ruleIds = reasons.map((r) => r.ruleId);
  const fields: Fields = {
    ruleIds,
    reasons,
    notes: notes.length > 1 ? unique(notes) : notes,
    advisories,
    exemptions,
    availableExemptions: available.size ? [...available.values()] : [],
  };

  if (reasons.length === 0) {
    if (exemptions.length > 0) {
      const words = unique(exemptions.map((e) => e.wording)).join('; ');
      return finish(common, 'not-required', `No PMP review required — exempt: ${words} (${pack.state})`, fields);
    }
    if (supply.daysSupply === null && view.rules.some((r) => r.type === 'supply-over' && drugCovered(r.drugs, drug))) {
      const scheduleText = drug.schedule ? drug.schedule.replace(/^C/, 'Schedule ') : 'controlled';
      return finish(common, 'undetermined', `${scheduleText} drug: enter the quantity and directions to tell whether a PMP review is required`, fields);
    }
    return finish(common, 'not-required', `No PMP review required for this order (${pack.state})`, fields);
  }

  const texts = unique(reasons.map((r) => r.text));
  // The headline stays readable when several rules fire; every reason is listed below it.
  const why = texts.length > 2 ? `${texts.slice(0, 2).join('; ')}; and ${String(texts.length - 2)} more` : texts.join('; ');
  if (unsatisfied === 0 && lastReview) {
    fields.lastReview = lastReview;
    if (nextDueOn) fields.nextDueOn = nextDueOn;
    return finish(common, 'reviewed', `PMP reviewed — ${why} (${pack.state})`, fields);
  }

  // The PMP-down exception: prescribing may go ahead, with a follow-up review once it is back.
  const down = newestReview(history, (e) => {
    if (e.outcome !== 'pmp-unavailable') return false;
    const h = hoursSince(e.at, now);
    return h >= 0 && h <= pack.pmpDownFollowUpHours;
  });
  if (down) {
    fields.lastReview = down;
    fields.followUpDueAt = new Date(Date.parse(down.at) + pack.pmpDownFollowUpHours * 3_600_000).toISOString();
    return finish(common, 'pmp-unavailable', `PMP was unavailable — review it again within ${String(pack.pmpDownFollowUpHours)} hours (${pack.state})`, fields);
  }

  if (satisfyWithinHours !== undefined) fields.satisfyWithinHours = satisfyWithinHours;
  if (lastReview) fields.lastReview = lastReview;
  return finish(common, 'due', `PMP review required — ${why} (${pack.state})`, fields);
}
