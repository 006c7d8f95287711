import { describe, expect, it } from 'vitest';
import { classifyDrug } from '../../drugs/catalogue';
import type { Order } from '../../orders/order';
import type { OrderContext } from '../context';
import type { ReviewEvent } from '../decision';
import { evaluateOrder } from '../engine';
import { StatePack, type DrugScope, type StatePackInput } from '../pack';
import { describeRule } from '../registry';
import { describeScope, scopeMatches } from './scope';

const NOW = new Date('2022-06-15T17:00:00Z');
const ALL = ['CII', 'CIII', 'CIV', 'CV'] as const;
const OXY: Order = { drugText: 'oxycodone 5 mg tablet', quantity: 40, sig: '1 tab PO q6h PRN pain' };
const ALPRAZOLAM: Order = { drugText: 'alprazolam 0.5 mg tablet', quantity: 60, sig: '1 tab po bid' };
const ago = (hours: number, extra: Partial<ReviewEvent> = {}): ReviewEvent => ({ at: new Date(NOW.getTime() - hours * 3_600_000).toISOString(), outcome: 'reviewed', ruleIds: [], ...extra });

/** A one-rule pack, valid from 2014, so each rule type can be shown on its own. */
function packWith(rule: Record<string, unknown>, extra: Partial<StatePackInput> = {}): StatePack {
  return StatePack.parse({
    state: 'XX',
    name: 'Test state',
    version: 't',
    verified: true,
    sources: [],
    timeZone: 'America/New_York',
    provenance: { kind: 'verified', statement: 'test' },
    coverageFrom: '2014-01-01',
    summary: 'test',
    pmpDownFollowUpHours: 24,
    administrationExempt: true,
    rules: [{ id: 'r', title: 't', drugs: [{ schedules: ALL }], verified: true, citation: { statute: 'Test § 1', effective: '2014-01-01' }, ...rule }],
    ...extra,
  });
}

function decide(pack: StatePack, order: Order, history: ReviewEvent[] = [], context?: OrderContext) {
  return evaluateOrder({ order, history, now: NOW, pack, ...(context ? { context } : {}) });
}

describe('every-prescription', () => {
  const rule = (course: string) => packWith({ type: 'every-prescription', course, reviewValidHours: 24 });
  it.each<[string, Order, OrderContext | undefined, boolean]>([
    ['any', OXY, undefined, true],
    ['any', { ...OXY, continuousTherapy: true }, undefined, true],
    ['new', OXY, undefined, true],
    ['new', { ...OXY, continuousTherapy: true }, undefined, false],
    ['new', OXY, { initialPrescription: false }, false],
    ['continuing', OXY, undefined, false],
    ['continuing', { ...OXY, continuousTherapy: true }, undefined, true],
    ['continuing', OXY, { initialPrescription: false }, true],
  ])('course %s, order %#: fires %s', (course, order, context, fires) => {
    expect(decide(rule(course), order, [], context).ruleIds.includes('r')).toBe(fires);
  });
  it.each([
    [1, 'reviewed'],
    [24, 'reviewed'],
    [24.5, 'due'],
  ])('a review %s hours ago → %s', (hours, status) => {
    expect(decide(rule('any'), OXY, [ago(hours)]).status).toBe(status);
  });
  it('says when it assumed a new course', () => {
    expect(decide(rule('new'), OXY).notes).toContain('Treated as the start of a course: the order does not say it continues an ongoing treatment.');
    expect(decide(rule('new'), { ...OXY, continuousTherapy: false }).notes).not.toContain('Treated as the start of a course: the order does not say it continues an ongoing treatment.');
  });
});

describe('initial-prescription', () => {
  const pack = packWith({ type: 'initial-prescription', reviewValidHours: 24 });
  it.each<[string, Order, OrderContext | undefined, boolean]>([
    ['unknown course (assumed new)', OXY, undefined, true],
    ['the order says new', { ...OXY, continuousTherapy: false }, undefined, true],
    ['the order says continuing', { ...OXY, continuousTherapy: true }, undefined, false],
    ['the prescriber says first', { ...OXY, continuousTherapy: true }, { initialPrescription: true }, true],
    ['the prescriber says not first', OXY, { initialPrescription: false }, false],
  ])('%s → fires %s', (_name, order, context, fires) => {
    expect(decide(pack, order, [], context).ruleIds.includes('r')).toBe(fires);
  });
});

describe('refill-authorization', () => {
  const pack = packWith({ type: 'refill-authorization', reviewValidHours: 24 });
  it.each([
    [undefined, false],
    [0, false],
    [1, true],
    [5, true],
  ])('refills %s → fires %s', (refills, fires) => {
    expect(decide(pack, { ...OXY, ...(refills !== undefined ? { refills } : {}) }).ruleIds.includes('r')).toBe(fires);
  });
  it('names the refills', () => {
    expect(decide(pack, { ...OXY, refills: 1 }).reasons[0]?.text).toBe('authorizing 1 refill');
  });
});

describe('supply-over', () => {
  it.each([
    [72, 3, false],
    [72, 3.25, true],
    [168, 7, false],
    [168, 8, true],
  ])('%s hours, %s days → fires %s', (hours, days, fires) => {
    expect(decide(packWith({ type: 'supply-over', hours, reviewValidHours: 24 }), { ...OXY, daysSupply: days }).ruleIds.includes('r')).toBe(fires);
  });
  it('reads whole weeks as days and three days as 72 hours', () => {
    expect(decide(packWith({ type: 'supply-over', hours: 168, reviewValidHours: 24 }), OXY).reasons[0]?.text).toBe('more than a 7-day supply of a Schedule II drug');
    expect(decide(packWith({ type: 'supply-over', hours: 72, reviewValidHours: 24 }), OXY).reasons[0]?.text).toBe('more than a 72-hour supply of a Schedule II drug');
  });
});

describe('periodic-review', () => {
  const pack = packWith({ type: 'periodic-review', intervalDays: 180 });
  it.each([
    [[], 'due'],
    [[ago(24 * 179)], 'reviewed'],
    [[ago(24 * 180)], 'reviewed'],
    [[ago(24 * 180 + 1)], 'due'],
  ])('continuing treatment with %j → %s', (history, status) => {
    expect(decide(pack, { ...OXY, continuousTherapy: true }, history).status).toBe(status);
  });
  it('is silent for a new course', () => {
    expect(decide(pack, OXY).ruleIds).toEqual([]);
  });
  it('reads continuing treatment from the history when the practice says so', () => {
    const history = [ago(24 * 200)];
    const byFlag = evaluateOrder({ order: OXY, history, now: NOW, pack });
    const byHistory = evaluateOrder({ order: OXY, history, now: NOW, pack, settings: { continuousTherapy: 'order-flag-or-history' } });
    expect(byFlag.ruleIds).toEqual([]);
    expect(byHistory.ruleIds).toEqual(['r']);
    expect(byHistory.status).toBe('due');
    expect(byHistory.notes).toContain('Treated as continuing treatment: this patient has a PMP review on record from an earlier visit.');
    // A review from this same visit is not an earlier treatment.
    expect(evaluateOrder({ order: OXY, history: [ago(2)], now: NOW, pack, settings: { continuousTherapy: 'order-flag-or-history' } }).ruleIds).toEqual([]);
  });
});

describe('what a rule covers', () => {
  it.each<[string, Record<string, unknown>, Order, boolean]>([
    ['ED only, written in the ED', { settings: ['ed'] }, { ...OXY, setting: 'ed' }, true],
    ['ED only, outpatient', { settings: ['ed'] }, { ...OXY, setting: 'outpatient' }, false],
    ['ED only, setting unknown', { settings: ['ed'] }, OXY, false],
    ['16 and older, 15', { minAgeYears: 16 }, { ...OXY, patientAgeYears: 15 }, false],
    ['16 and older, 16', { minAgeYears: 16 }, { ...OXY, patientAgeYears: 16 }, true],
    ['16 and older, age unknown', { minAgeYears: 16 }, OXY, true],
    ['switched off', { enabled: false }, OXY, false],
    ['from 2030', { citation: { statute: 'T', effective: '2030-01-01' } }, OXY, false],
    ['until 2015', { citation: { statute: 'T', effective: '2014-01-01', through: '2015-12-31' } }, OXY, false],
  ])('%s → fires %s', (_name, extra, order, fires) => {
    expect(decide(packWith({ type: 'every-prescription', course: 'any', reviewValidHours: 24, ...extra }), order).ruleIds.includes('r')).toBe(fires);
  });

  it.each<[DrugScope, string, boolean]>([
    [{ schedules: ['CII'] }, 'oxycodone 5 mg', true],
    [{ schedules: ['CIII', 'CIV'] }, 'oxycodone 5 mg', false],
    [{ schedules: [...ALL], classes: ['opioid'] }, 'tramadol 50 mg', true],
    [{ schedules: [...ALL], classes: ['opioid'] }, 'alprazolam 1 mg', false],
    [{ schedules: [...ALL], classes: ['benzodiazepine', 'barbiturate'] }, 'phenobarbital 30 mg', true],
    [{ schedules: ['CV'], excludeClasses: ['opioid'] }, 'pregabalin 75 mg', true],
    [{ schedules: ['CV'], excludeClasses: ['opioid'] }, 'codeine-guaifenesin 10-100 mg/5 mL', false],
    [{ schedules: ['CIII'], ingredients: ['buprenorphine'] }, 'Suboxone 8-2 mg film', true],
    [{ schedules: ['CIII'], ingredients: ['hydrocodone'] }, 'testosterone cypionate 200 mg/mL', false],
    [{ schedules: [...ALL] }, 'amoxicillin 500 mg', false],
  ])('scope %j and %s → %s', (scope, text, matches) => {
    expect(scopeMatches(scope, classifyDrug(text))).toBe(matches);
  });

  it.each<[DrugScope, string]>([
    [{ schedules: [...ALL] }, 'any controlled substance'],
    [{ schedules: ['CII'] }, 'a Schedule II drug'],
    [{ schedules: ['CII', 'CIII'] }, 'a Schedule II or III drug'],
    [{ schedules: ['CII', 'CIII', 'CIV'] }, 'a Schedule II–IV drug'],
    [{ schedules: ['CII', 'CIV'] }, 'a Schedule II or IV drug'],
    [{ schedules: [...ALL], classes: ['opioid'] }, 'an opioid'],
    [{ schedules: ['CII', 'CIII'], classes: ['opioid'] }, 'a Schedule II or III opioid'],
    [{ schedules: ['CIII'], ingredients: ['hydrocodone'] }, 'a Schedule III drug containing hydrocodone'],
  ])('describes %j as "%s"', (scope, words) => {
    expect(describeScope(scope)).toBe(words);
  });

  it('describes each rule type in plain language', () => {
    const texts = [
      { type: 'supply-over', hours: 72, reviewValidHours: 24 },
      { type: 'periodic-review', intervalDays: 90 },
      { type: 'every-prescription', course: 'new', reviewValidHours: 24 },
      { type: 'initial-prescription', reviewValidHours: 24 },
      { type: 'refill-authorization', reviewValidHours: 24 },
    ].map((r) => {
      const rule = packWith(r).rules[0];
      return rule ? describeRule(rule) : '';
    });
    expect(texts).toEqual([
      'Before prescribing more than a 72-hour supply of any controlled substance; a review within 24 hours counts.',
      'During continuing treatment with any controlled substance: a review at least every 90 days.',
      'Before every prescription of any controlled substance to a new patient; a review within 24 hours counts.',
      'Before the first prescription of any controlled substance in a course of treatment; a review within 24 hours counts.',
      'Before authorizing refills of any controlled substance; a review within 24 hours counts.',
    ]);
  });
});

describe('exceptions, in the state\'s words', () => {
  const pack = packWith({
    type: 'every-prescription',
    course: 'any',
    reviewValidHours: 24,
    exemptions: [
      { kind: 'hospice', wording: 'a hospice patient' },
      { kind: 'inpatient', wording: 'an inpatient' },
      { kind: 'emergency-department', wording: 'ED, at most 5 days', maxDays: 5 },
      { kind: 'cancer', wording: 'cancer treatment' },
      { kind: 'pmp-unavailable', wording: 'the PMP is down' },
    ],
  });
  it.each<[string, Order, OrderContext | undefined, string | null]>([
    ['hospice setting', { ...OXY, setting: 'hospice' }, undefined, 'a hospice patient'],
    ['inpatient setting', { ...OXY, setting: 'inpatient' }, undefined, 'an inpatient'],
    ['ED, 4 days', { ...OXY, quantity: 16, setting: 'ed' }, undefined, 'ED, at most 5 days'],
    ['ED, 10 days', { ...OXY, setting: 'ed' }, undefined, null],
    ['ED, "1-2 tabs" that could last 6 days', { drugText: 'oxycodone 5 mg tablet', quantity: 24, sig: '1-2 tabs q6h prn', setting: 'ed' }, undefined, null],
    ['cancer, documented', OXY, { documentedExemptions: ['cancer'] }, 'cancer treatment'],
    ['sickle cell, documented but not this state\'s', OXY, { documentedExemptions: ['sickle-cell'] }, null],
    ['outpatient, nothing documented', { ...OXY, setting: 'outpatient' }, undefined, null],
  ])('%s → exempt: %s', (_name, order, context, wording) => {
    const d = decide(pack, order, [], context);
    if (wording) {
      expect(d.status).toBe('not-required');
      expect(d.exemptions?.[0]).toMatchObject({ ruleId: 'r', wording });
      expect(d.headline).toContain(`exempt: ${wording}`);
    } else {
      expect(d.status).toBe('due');
      expect(d.exemptions).toEqual([]);
    }
  });
  it('offers the exceptions a prescriber could document, with the rules they cover', () => {
    const d = decide(pack, OXY);
    expect(d.availableExemptions?.map((e) => e.kind)).toEqual(['hospice', 'inpatient', 'emergency-department', 'cancer', 'pmp-unavailable']);
    expect(d.availableExemptions?.[3]).toMatchObject({ wording: 'cancer treatment', citation: 'Test § 1', ruleIds: ['r'] });
  });
});

describe('delegates', () => {
  const withDelegates = (allowed: boolean) =>
    packWith(
      { type: 'every-prescription', course: 'any', reviewValidHours: 24 },
      { delegates: [{ allowed, kinds: [], verified: true, citation: { statute: 'Test § 2', effective: '2014-01-01' } }] },
    );
  it('a delegate\'s review counts where delegates may check', () => {
    expect(decide(withDelegates(true), OXY, [ago(1, { reviewerRole: 'delegate' })]).status).toBe('reviewed');
  });
  it('a delegate\'s review does not count where they may not, and the prompt says why', () => {
    const d = decide(withDelegates(false), OXY, [ago(1, { reviewerRole: 'delegate' })]);
    expect(d.status).toBe('due');
    expect(d.notes).toContain("A delegate's review does not count in XX: the prescriber must review the PMP.");
    expect(decide(withDelegates(false), OXY, [ago(1, { reviewerRole: 'prescriber' })]).status).toBe('reviewed');
  });
});

describe('packs as data', () => {
  it.each<[string, Record<string, unknown>]>([
    ['an unknown rule type', { type: 'every-full-moon' }],
    ['a rule without drugs', { type: 'every-prescription', reviewValidHours: 24, drugs: [] }],
    ['an unknown schedule', { type: 'every-prescription', reviewValidHours: 24, drugs: [{ schedules: ['CI'] }] }],
    ['a date that does not exist', { type: 'every-prescription', reviewValidHours: 24, citation: { statute: 'T', effective: '2019-02-29' } }],
    ['a zero interval', { type: 'periodic-review', intervalDays: 0 }],
  ])('rejects %s', (_name, rule) => {
    expect(() => packWith(rule)).toThrow();
  });
  it('works for ALPRAZOLAM too (the engine is not opioid-only)', () => {
    expect(decide(packWith({ type: 'every-prescription', course: 'any', reviewValidHours: 24 }), ALPRAZOLAM).status).toBe('due');
  });
});
