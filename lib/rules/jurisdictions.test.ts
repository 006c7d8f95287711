// Per-jurisdiction cases written by hand from PDAPS's codebook and the mandates CSV (the newest
// row of each state, and rows either side of a change of law), not produced by the import: if
// the import mis-reads an answer, these disagree with it.
import { describe, expect, it } from 'vitest';
import type { Order } from '../orders/order';
import type { OrderContext } from './context';
import type { DecisionStatus, ReviewEvent } from './decision';
import { evaluateOrder } from './engine';
import { JURISDICTIONS } from './jurisdictions';
import { getPack } from './packs';

// Orders a prescriber meets every day (days supply in brackets).
const OXY: Order = { drugText: 'oxycodone 5 mg tablet', quantity: 40, sig: '1 tab PO q6h PRN pain' }; // CII opioid [10]
const OXY_3_DAYS: Order = { drugText: 'oxycodone 5 mg tablet', quantity: 12, sig: '1 tab q6h' }; // exactly 72 hours
const ALPRAZOLAM: Order = { drugText: 'alprazolam 0.5 mg tablet', quantity: 60, sig: '1 tab po bid' }; // CIV benzodiazepine [30]
const ZOLPIDEM: Order = { drugText: 'zolpidem 10 mg tablet', quantity: 30, sig: '1 tab po qhs' }; // CIV sedative-hypnotic [30]
const ADDERALL: Order = { drugText: 'Adderall 20 mg tablet', quantity: 30, sig: '1 tab po daily' }; // CII stimulant [30]
const PREGABALIN: Order = { drugText: 'pregabalin 75 mg capsule', quantity: 60, sig: '1 cap po bid' }; // CV [30]

const continuing = (o: Order): Order => ({ ...o, continuousTherapy: true });
const inSetting = (o: Order, setting: Order['setting']): Order => ({ ...o, setting });

interface Case {
  state: string;
  asOf: string;
  order: Order;
  status: DecisionStatus;
  /** A rule id that must fire (for `due`), or none must (for `not-required`). */
  rule?: string;
  context?: OrderContext;
  history?: ReviewEvent[];
  why: string;
}

function run(c: Pick<Case, 'state' | 'asOf' | 'order' | 'context' | 'history'>) {
  return evaluateOrder({
    order: c.order,
    history: c.history ?? [],
    now: new Date(`${c.asOf}T17:00:00Z`),
    asOf: c.asOf,
    pack: getPack(c.state),
    ...(c.context ? { context: c.context } : {}),
  });
}

const LATE_2019 = '2019-12-20';

// One `due` and one `not-required` case for every jurisdiction whose newest PDAPS row codes a
// prescriber mandate (dates before 2020, where the PDAPS coding applies even to states with a
// hand-verified pack).
const WITH_MANDATE: Case[] = [
  { state: 'AL', asOf: LATE_2019, order: OXY, status: 'due', rule: 'al-opioid-every-rx-new', why: 'opfreqnew "Every prescription"' },
  { state: 'AL', asOf: LATE_2019, order: ALPRAZOLAM, status: 'not-required', why: 'only opioids are coded' },
  { state: 'AK', asOf: LATE_2019, order: OXY, status: 'due', rule: 'ak-sched-ii-iii-initial', why: 'Schedule II "Initial prescriptions"' },
  { state: 'AK', asOf: LATE_2019, order: ALPRAZOLAM, status: 'not-required', why: 'Schedule IV not required' },
  { state: 'AZ', asOf: LATE_2019, order: ALPRAZOLAM, status: 'due', rule: 'az-benzo-initial', why: 'benzfreq "Initial prescriptions"' },
  { state: 'AZ', asOf: LATE_2019, order: ZOLPIDEM, status: 'not-required', why: 'neither an opioid nor a benzodiazepine' },
  { state: 'AR', asOf: LATE_2019, order: OXY, status: 'due', rule: 'ar-opioid-every-rx', why: 'opioids: every prescription, new and established' },
  { state: 'AR', asOf: LATE_2019, order: continuing(ALPRAZOLAM), status: 'not-required', why: 'benzodiazepines: initial prescriptions only' },
  { state: 'CA', asOf: LATE_2019, order: ALPRAZOLAM, status: 'due', rule: 'ca-sched-ii-iii-iv-initial', why: 'Schedule II–IV "Initial prescriptions"' },
  { state: 'CA', asOf: LATE_2019, order: PREGABALIN, status: 'not-required', why: 'Schedule V not required' },
  { state: 'CO', asOf: LATE_2019, order: { ...OXY, refills: 1 }, status: 'due', rule: 'co-opioid-refills', why: 'opfreqrest "Authorizing refills"' },
  { state: 'CO', asOf: LATE_2019, order: OXY, status: 'not-required', why: 'new patients: "Frequency of PDMP checks not required"' },
  { state: 'CT', asOf: LATE_2019, order: OXY, status: 'due', rule: 'ct-72h-supply', why: 'more than a 72-hour supply' },
  { state: 'CT', asOf: LATE_2019, order: OXY_3_DAYS, status: 'not-required', why: 'exactly 72 hours is not more than 72 hours' },
  { state: 'DE', asOf: LATE_2019, order: ALPRAZOLAM, status: 'due', rule: 'de-benzo-every-rx', why: 'benzfreq "Every prescription"' },
  { state: 'DE', asOf: LATE_2019, order: ZOLPIDEM, status: 'not-required', why: 'no rule for sedative-hypnotics' },
  { state: 'FL', asOf: LATE_2019, order: ZOLPIDEM, status: 'due', rule: 'fl-cs-every-rx', why: 'controlled substances: every prescription' },
  { state: 'FL', asOf: LATE_2019, order: inSetting(OXY, 'hospice'), status: 'not-required', why: 'hospice exception from 2019-07-01' },
  { state: 'GA', asOf: LATE_2019, order: OXY, status: 'due', rule: 'ga-opioid-initial', why: 'opioids: initial prescriptions' },
  { state: 'GA', asOf: LATE_2019, order: ADDERALL, status: 'not-required', why: 'a stimulant is neither an opioid nor a benzodiazepine' },
  { state: 'HI', asOf: LATE_2019, order: ALPRAZOLAM, status: 'due', rule: 'hi-sched-ii-iii-iv-every-rx', why: 'Schedule IV "Every prescription"' },
  { state: 'HI', asOf: LATE_2019, order: PREGABALIN, status: 'not-required', why: 'Schedule V not required' },
  { state: 'IL', asOf: LATE_2019, order: ADDERALL, status: 'due', rule: 'il-sched-ii-initial', why: 'Schedule II "Initial prescriptions"' },
  { state: 'IL', asOf: LATE_2019, order: ALPRAZOLAM, status: 'not-required', why: 'Schedule IV not required' },
  { state: 'IN', asOf: LATE_2019, order: OXY, status: 'due', rule: 'in-opioid-initial', why: 'opioids: initial prescriptions' },
  { state: 'IN', asOf: LATE_2019, order: ZOLPIDEM, status: 'not-required', why: 'no rule for sedative-hypnotics' },
  { state: 'IA', asOf: LATE_2019, order: OXY, status: 'due', rule: 'ia-opioid-every-rx-new', why: 'new patients: every prescription' },
  { state: 'IA', asOf: LATE_2019, order: continuing(OXY), status: 'not-required', why: 'established patients: not required' },
  { state: 'KY', asOf: LATE_2019, order: OXY, status: 'due', rule: 'ky-sched-ii-iii-initial', why: 'Schedule II "Initial prescriptions"' },
  { state: 'KY', asOf: LATE_2019, order: ALPRAZOLAM, status: 'not-required', why: 'Schedule IV not required (PDAPS)' },
  { state: 'LA', asOf: LATE_2019, order: OXY, status: 'due', rule: 'la-opioid-initial', why: 'opioids: initial prescriptions' },
  { state: 'LA', asOf: LATE_2019, order: ALPRAZOLAM, status: 'not-required', why: 'controlled substances: only every 3 months during continuing treatment' },
  { state: 'ME', asOf: LATE_2019, order: ALPRAZOLAM, status: 'due', rule: 'me-benzo-initial', why: 'benzodiazepines: initial prescriptions' },
  { state: 'ME', asOf: LATE_2019, order: ADDERALL, status: 'not-required', why: 'a stimulant is neither an opioid nor a benzodiazepine' },
  { state: 'MD', asOf: LATE_2019, order: OXY, status: 'due', rule: 'md-opioid-initial', why: 'opioids: initial prescriptions' },
  { state: 'MD', asOf: LATE_2019, order: ZOLPIDEM, status: 'not-required', why: 'no rule for sedative-hypnotics' },
  { state: 'MA', asOf: LATE_2019, order: continuing(ALPRAZOLAM), status: 'due', rule: 'ma-benzo-every-rx', why: 'benzodiazepines: every prescription since 2019-02-07' },
  { state: 'MA', asOf: LATE_2019, order: continuing(OXY), status: 'not-required', why: 'opioids, established patients: not required' },
  { state: 'MI', asOf: LATE_2019, order: PREGABALIN, status: 'due', rule: 'mi-sched-ii-iii-iv-v-every-rx', why: 'Schedule V "Every prescription"' },
  { state: 'MI', asOf: LATE_2019, order: OXY, context: { documentedExemptions: ['post-surgical'] }, status: 'not-required', why: 'post-surgical exception' },
  { state: 'NV', asOf: LATE_2019, order: PREGABALIN, status: 'due', rule: 'nv-sched-ii-iii-iv-v-initial', why: 'Schedule V "Initial prescriptions"' },
  { state: 'NV', asOf: LATE_2019, order: { ...OXY, kind: 'administration', setting: 'inpatient' }, status: 'not-required', why: 'administering is not prescribing' },
  { state: 'NH', asOf: LATE_2019, order: OXY, status: 'due', rule: 'nh-opioid-initial', why: 'opioids: initial prescriptions' },
  { state: 'NH', asOf: LATE_2019, order: ALPRAZOLAM, status: 'not-required', why: 'only opioids are coded' },
  { state: 'NJ', asOf: LATE_2019, order: ALPRAZOLAM, status: 'due', rule: 'nj-benzo-initial', why: 'benzodiazepines: initial prescriptions' },
  { state: 'NJ', asOf: LATE_2019, order: ZOLPIDEM, status: 'not-required', why: 'no rule for sedative-hypnotics' },
  { state: 'NM', asOf: LATE_2019, order: PREGABALIN, status: 'due', rule: 'nm-sched-ii-iii-iv-v-initial', why: 'Schedule V "Initial prescriptions"' },
  { state: 'NM', asOf: LATE_2019, order: inSetting(OXY, 'hospice'), status: 'not-required', why: 'hospice exception' },
  { state: 'NY', asOf: LATE_2019, order: ALPRAZOLAM, status: 'due', rule: 'ny-sched-ii-iii-iv-every-rx', why: 'Schedule IV "Every prescription"' },
  { state: 'NY', asOf: LATE_2019, order: PREGABALIN, status: 'not-required', why: 'Schedule V not required' },
  { state: 'NC', asOf: LATE_2019, order: ZOLPIDEM, status: 'due', rule: 'nc-cs-initial', why: 'controlled substances: initial prescriptions' },
  { state: 'NC', asOf: LATE_2019, order: ZOLPIDEM, context: { documentedExemptions: ['cancer'] }, status: 'not-required', why: 'cancer-treatment exception' },
  { state: 'ND', asOf: LATE_2019, order: PREGABALIN, status: 'due', rule: 'nd-cs-initial', why: 'controlled substances: initial prescriptions' },
  { state: 'ND', asOf: LATE_2019, order: inSetting(PREGABALIN, 'hospice'), status: 'not-required', why: 'hospice exception' },
  { state: 'OH', asOf: LATE_2019, order: PREGABALIN, status: 'due', rule: 'oh-sched-ii-iii-iv-v-initial', why: 'Schedule V "Initial prescriptions"' },
  { state: 'OH', asOf: LATE_2019, order: inSetting(OXY, 'hospice'), status: 'not-required', why: 'every Ohio rule excepts hospice' },
  { state: 'OK', asOf: LATE_2019, order: { ...ALPRAZOLAM, refills: 2 }, status: 'due', rule: 'ok-benzo-refills', why: 'benzfreq "Authorizing refills"' },
  { state: 'OK', asOf: LATE_2019, order: ALPRAZOLAM, status: 'not-required', why: 'benzodiazepines: every 6 months and refills only' },
  { state: 'PA', asOf: LATE_2019, order: continuing(ALPRAZOLAM), status: 'due', rule: 'pa-benzo-every-rx', why: 'benzodiazepines: every prescription' },
  { state: 'PA', asOf: LATE_2019, order: continuing(ZOLPIDEM), status: 'not-required', why: 'other controlled substances: initial prescriptions only' },
  { state: 'RI', asOf: LATE_2019, order: OXY, status: 'due', rule: 'ri-opioid-initial', why: 'opioids: initial prescriptions' },
  { state: 'RI', asOf: LATE_2019, order: ALPRAZOLAM, status: 'not-required', why: 'only opioids are coded' },
  { state: 'SC', asOf: LATE_2019, order: ADDERALL, status: 'due', rule: 'sc-sched-ii-every-rx', why: 'Schedule II "Every prescription"' },
  { state: 'SC', asOf: LATE_2019, order: ALPRAZOLAM, status: 'not-required', why: 'Schedule IV not required' },
  { state: 'TN', asOf: LATE_2019, order: ZOLPIDEM, status: 'due', rule: 'tn-cs-every-rx', why: 'controlled substances: every prescription' },
  { state: 'TN', asOf: LATE_2019, order: inSetting(ZOLPIDEM, 'hospice'), status: 'not-required', why: 'hospice exception' },
  { state: 'TX', asOf: LATE_2019, order: OXY, status: 'due', rule: 'tx-opioid-every-rx', why: 'opioids: every prescription' },
  { state: 'TX', asOf: LATE_2019, order: ZOLPIDEM, status: 'not-required', why: 'only opioids and benzodiazepines are coded' },
  { state: 'UT', asOf: LATE_2019, order: OXY, status: 'due', rule: 'ut-opioid-initial', why: 'opioids: initial prescriptions' },
  { state: 'UT', asOf: LATE_2019, order: continuing(OXY), status: 'not-required', why: 'established patients: not required' },
  { state: 'VT', asOf: LATE_2019, order: ALPRAZOLAM, status: 'due', rule: 'vt-benzo-initial', why: 'benzodiazepines: initial prescriptions' },
  { state: 'VT', asOf: LATE_2019, order: PREGABALIN, status: 'not-required', why: 'Schedule V not required' },
  { state: 'VA', asOf: LATE_2019, order: OXY, status: 'due', rule: 'va-opioid-initial', why: 'opioids: initial prescriptions' },
  { state: 'VA', asOf: LATE_2019, order: ALPRAZOLAM, status: 'not-required', why: 'benzodiazepines dropped on 2016-07-01' },
  { state: 'WA', asOf: LATE_2019, order: OXY, status: 'due', rule: 'wa-opioid-initial', why: 'opioids: initial prescriptions' },
  { state: 'WA', asOf: LATE_2019, order: ALPRAZOLAM, status: 'not-required', why: 'benzodiazepines: periodic and refills only' },
  { state: 'WV', asOf: LATE_2019, order: ALPRAZOLAM, status: 'due', rule: 'wv-benzo-initial', why: 'benzodiazepines: initial prescriptions' },
  { state: 'WV', asOf: LATE_2019, order: ZOLPIDEM, status: 'not-required', why: 'no rule for sedative-hypnotics since 2018-06-07' },
  { state: 'WI', asOf: LATE_2019, order: ZOLPIDEM, status: 'due', rule: 'wi-cs-every-rx', why: 'controlled substances: every prescription' },
  { state: 'WI', asOf: LATE_2019, order: inSetting(OXY, 'hospice'), status: 'not-required', why: 'hospice exception' },
  { state: 'WY', asOf: LATE_2019, order: PREGABALIN, status: 'due', rule: 'wy-sched-ii-iii-iv-v-initial', why: 'Schedule V "Initial prescriptions"' },
  { state: 'WY', asOf: LATE_2019, order: continuing(PREGABALIN), status: 'not-required', why: 'schedules: initial prescriptions only' },
];

// Jurisdictions whose newest row codes no prescriber mandate. Mississippi's PDMP_any = 1 rests on
// a dispenser's duty only (PDMP_dchk), so nothing binds the prescriber there either.
const WITHOUT_MANDATE = ['DC', 'ID', 'KS', 'MN', 'MO', 'MT', 'NE', 'OR', 'SD', 'MS'];

describe('every jurisdiction with a mandate: a due and a not-required case (PDAPS, late 2019)', () => {
  it.each(WITH_MANDATE)('$state $asOf: $why → $status', (c) => {
    const d = run(c);
    expect(d.status).toBe(c.status);
    if (c.rule) expect(d.ruleIds).toContain(c.rule);
    else expect(d.ruleIds).toEqual([]);
    expect(d.asOf).toBe(c.asOf);
  });
});

describe('every jurisdiction without a mandate: not required', () => {
  it.each(WITHOUT_MANDATE)('%s: a 10-day oxycodone order needs no review', (state) => {
    const d = run({ state, asOf: LATE_2019, order: OXY });
    expect(d.status).toBe('not-required');
    expect(d.ruleIds).toEqual([]);
    expect(d.notes).toContain('Coded from the law in force to 2019-12-31 (PDAPS), not verified since.');
  });

  it('covers all 51 jurisdictions between the two tables', () => {
    const covered = new Set([...WITH_MANDATE.map((c) => c.state), ...WITHOUT_MANDATE]);
    expect([...covered].sort()).toEqual(JURISDICTIONS.map((j) => j.code).sort());
    for (const j of JURISDICTIONS) {
      if (WITHOUT_MANDATE.includes(j.code)) continue;
      const statuses = WITH_MANDATE.filter((c) => c.state === j.code).map((c) => c.status);
      expect(statuses, j.code).toContain('due');
      expect(statuses, j.code).toContain('not-required');
    }
  });
});

describe('as of a date: across a change of law', () => {
  it.each<[string, string, Order, DecisionStatus, DecisionStatus, string]>([
    ['CT', '2015-10-01', OXY, 'not-required', 'due', 'CGS 21a-254(j) takes effect'],
    ['FL', '2018-07-01', ZOLPIDEM, 'not-required', 'due', 'HB 21: every prescription'],
    ['PA', '2017-01-03', continuing(ALPRAZOLAM), 'not-required', 'due', 'benzodiazepines: every prescription'],
    ['MA', '2019-02-07', continuing(ALPRAZOLAM), 'not-required', 'due', 'benzodiazepines: initial → every prescription'],
    ['TX', '2017-09-01', OXY, 'not-required', 'due', 'opioids: every prescription'],
    ['MI', '2018-06-01', OXY, 'not-required', 'due', 'a mandate coded without drugs, then Schedule II–V every prescription'],
    ['NV', '2015-10-01', ALPRAZOLAM, 'not-required', 'due', 'Schedule II–IV initial prescriptions'],
    ['GA', '2018-07-01', OXY, 'not-required', 'due', 'opioids: initial prescriptions'],
    ['VA', '2016-07-01', ALPRAZOLAM, 'due', 'not-required', 'benzodiazepines dropped'],
    ['WV', '2018-06-07', ZOLPIDEM, 'due', 'not-required', 'controlled substances in general dropped'],
  ])('%s on the day before and on %s (%s)', (state, day, order, before, after) => {
    const previous = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    expect(run({ state, asOf: previous, order }).status).toBe(before);
    expect(run({ state, asOf: day, order }).status).toBe(after);
  });

  it('ND: the continuing-treatment interval went from 6 to 12 months and back', () => {
    const reviewed200DaysBefore = (asOf: string): ReviewEvent[] => [
      { at: new Date(Date.parse(`${asOf}T17:00:00Z`) - 200 * 86_400_000).toISOString(), outcome: 'reviewed', ruleIds: [] },
    ];
    for (const [asOf, status] of [
      ['2019-07-15', 'due'],
      ['2019-09-15', 'reviewed'],
      ['2019-10-15', 'due'],
    ] as const) {
      expect(run({ state: 'ND', asOf, order: continuing(PREGABALIN), history: reviewed200DaysBefore(asOf) }).status, asOf).toBe(status);
    }
  });

  it('KY: gabapentin becomes a Schedule V drug on 2017-07-01', () => {
    const gaba: Order = { drugText: 'gabapentin 300 mg capsule', quantity: 90, sig: '1 cap tid' };
    expect(run({ state: 'KY', asOf: '2017-06-30', order: gaba }).drug.controlled).toBe(false);
    const after = run({ state: 'KY', asOf: '2017-07-01', order: gaba });
    expect(after.drug).toMatchObject({ controlled: true, schedule: 'CV' });
    expect(run({ state: 'CT', asOf: '2017-07-01', order: gaba }).drug.controlled).toBe(false);
  });

  it('after the newest row, the newest law applies (WA in 2026 as on 2019-12-31)', () => {
    const a = run({ state: 'WA', asOf: '2019-12-31', order: OXY });
    const b = run({ state: 'WA', asOf: '2026-03-01', order: OXY });
    expect(b.status).toBe(a.status);
    expect(b.ruleIds).toEqual(a.ruleIds);
  });

  it('before 2014-01-01 nothing is coded: undetermined, not "no law"', () => {
    const d = run({ state: 'NY', asOf: '2013-12-31', order: OXY });
    expect(d.status).toBe('undetermined');
    expect(d.headline).toContain('before 2014-01-01');
  });

  it('a hand-verified pack takes over on 2020-01-01 (MI: every prescription → more than 3 days)', () => {
    expect(run({ state: 'MI', asOf: '2019-12-31', order: OXY_3_DAYS }).status).toBe('due');
    expect(run({ state: 'MI', asOf: '2020-01-01', order: OXY_3_DAYS }).status).toBe('not-required');
    expect(run({ state: 'MI', asOf: '2020-01-01', order: OXY }).ruleIds).toEqual(['mi-over-3-days']);
  });
});
