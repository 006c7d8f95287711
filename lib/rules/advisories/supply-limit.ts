/**
 * Opioid day-supply limits as advisories beside the PMP decision: they never block and never
 * change the decision's status. Connecticut: CGS 20-14o (PA 16-43, effective 2016-07-01; minors
 * lowered to 5 days by PA 17-131, effective 2017-07-01) — a first outpatient opioid prescription
 * for an adult is limited to 7 days, any opioid prescription for a minor to 5 days. Other states
 * come from PDAPS's coding of state opioid prescribing limits (2014–2019).
 *
 * A limit depends on facts the order may not say (a first prescription? acute pain? an adult?).
 * When the order does not say, the advisory still shows, worded as "if": an advisory that asks
 * is cheaper than a limit silently missed.
 */
import type { Classification } from '../../drugs/catalogue';
import type { DaysSupplyResult } from '../../orders/days-supply';
import type { Order } from '../../orders/order';
import type { Advisory } from '../decision';
import type { LimitCase, SupplyLimit } from '../pack';
import type { CourseInfo } from '../rules/types';

export interface LimitContext {
  order: Order;
  drug: Classification;
  supply: DaysSupplyResult;
  course: CourseInfo;
  acutePain: boolean | undefined;
  documented: ReadonlySet<string>;
  state: string;
  citation: (limit: SupplyLimit) => string;
}

type Answer = { holds: 'yes' } | { holds: 'no' } | { holds: 'unknown'; assumptions: string[] };

const YES: Answer = { holds: 'yes' };
const NO: Answer = { holds: 'no' };
const unknown = (...assumptions: string[]): Answer => ({ holds: 'unknown', assumptions });

function both(a: Answer, b: Answer): Answer {
  if (a.holds === 'no' || b.holds === 'no') return NO;
  const assumptions = [...(a.holds === 'unknown' ? a.assumptions : []), ...(b.holds === 'unknown' ? b.assumptions : [])];
  return assumptions.length ? { holds: 'unknown', assumptions } : YES;
}

function initial(course: CourseInfo): Answer {
  if (!course.known) return unknown('it is the first opioid prescription of a course of treatment');
  return course.initial ? YES : NO;
}

function acute(acutePain: boolean | undefined): Answer {
  if (acutePain === undefined) return unknown('it is for acute pain');
  return acutePain ? YES : NO;
}

function caseAnswer(c: LimitCase, ctx: LimitContext): Answer {
  switch (c) {
    case 'any':
      return YES;
    case 'initial':
      return initial(ctx.course);
    case 'acute-pain':
      return acute(ctx.acutePain);
    case 'initial-acute-pain':
      return both(initial(ctx.course), acute(ctx.acutePain));
  }
}

function anyCase(cases: readonly LimitCase[], ctx: LimitContext): Answer {
  let firstUnknown: Answer | undefined;
  for (const c of cases) {
    const a = caseAnswer(c, ctx);
    if (a.holds === 'yes') return YES;
    if (a.holds === 'unknown' && !firstUnknown) firstUnknown = a;
  }
  return firstUnknown ?? NO;
}

function population(limit: SupplyLimit, age: number | undefined): Answer {
  if (limit.population === 'everyone') return YES;
  if (age === undefined) return unknown(limit.population === 'adults' ? 'the patient is an adult' : 'the patient is under 18');
  const minor = age < 18;
  return (limit.population === 'minors') === minor ? YES : NO;
}

function outpatient(limit: SupplyLimit, order: Order): Answer {
  if (!limit.outpatientOnly) return YES;
  if (order.setting === undefined) return unknown('it is for outpatient use');
  return order.setting === 'outpatient' || order.setting === 'ed' ? YES : NO;
}

function setting(limit: SupplyLimit, order: Order): Answer {
  if (!limit.settings) return YES;
  if (order.setting === undefined) return unknown('it is written in an emergency department');
  return limit.settings.includes(order.setting) ? YES : NO;
}

function excepted(limit: SupplyLimit, ctx: LimitContext): boolean {
  return limit.exceptions.some(
    (e) =>
      ctx.documented.has(e.kind) ||
      (e.kind === 'inpatient' && ctx.order.setting === 'inpatient') ||
      ((e.kind === 'hospice' || e.kind === 'palliative') && ctx.order.setting === 'hospice') ||
      (e.kind === 'nursing-facility' && ctx.order.setting === 'long-term-care') ||
      (e.kind === 'emergency-department' && ctx.order.setting === 'ed'),
  );
}

const CASE_WORDS: Record<LimitCase, { first: boolean; acute: boolean }> = {
  any: { first: false, acute: false },
  initial: { first: true, acute: false },
  'acute-pain': { first: false, acute: true },
  'initial-acute-pain': { first: true, acute: true },
};

/** Plain words for what a limit covers: "a first outpatient opioid prescription for an adult". */
export function describeLimitCase(limit: SupplyLimit): string {
  const phrases = limit.cases.map((c) => {
    const w = CASE_WORDS[c];
    const noun = `${limit.outpatientOnly ? 'outpatient ' : ''}opioid prescription`;
    return `${w.first ? 'a first' : 'an'} ${noun}${w.acute ? ' for acute pain' : ''}`;
  });
  const who = limit.population === 'adults' ? ' for an adult' : limit.population === 'minors' ? ' for a minor' : '';
  const where = limit.settings ? ' written in an emergency department' : '';
  return `${phrases.join(' or ')}${who}${where}`;
}

function days(n: number): string {
  const r = Math.round(n * 100) / 100;
  return `${String(r)} day${r === 1 ? '' : 's'}`;
}

/** The advisory for one limit, or nothing when the limit does not reach this order. */
export function limitAdvisory(limit: SupplyLimit, ctx: LimitContext): Advisory | undefined {
  const { drug, supply } = ctx;
  if (!drug.controlled || !drug.opioid) return undefined;
  if (limit.schedules && (!drug.schedule || !limit.schedules.includes(drug.schedule))) return undefined;
  if (supply.daysSupply === null || supply.daysSupply <= limit.maxDays) return undefined;
  const answers = [population(limit, ctx.order.patientAgeYears), anyCase(limit.cases, ctx), outpatient(limit, ctx.order), setting(limit, ctx.order)];
  if (answers.some((a) => a.holds === 'no')) return undefined;
  if (excepted(limit, ctx)) return undefined;
  const assumptions = answers.flatMap((a) => (a.holds === 'unknown' ? a.assumptions : []));
  const others = limit.otherLimitsDays.length
    ? ` The source also codes ${limit.otherLimitsDays.map((d) => days(d)).join(', ')} for cases it does not tell apart; the shortest is shown.`
    : '';
  return {
    id: limit.id,
    kind: 'opioid-supply-limit',
    text: `${ctx.state} limits ${describeLimitCase(limit)} to ${days(limit.maxDays)}; this order is for ${days(supply.daysSupply)}.${others}`,
    limitDays: limit.maxDays,
    daysSupply: supply.daysSupply,
    assumptions,
    exceptions: limit.exceptions.map((e) => e.wording),
    citation: ctx.citation(limit),
    verified: limit.verified,
  };
}
