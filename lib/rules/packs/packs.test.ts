import { describe, expect, it } from 'vitest';
import { classifyDrug } from '../../drugs/catalogue';
import type { Order } from '../../orders/order';
import type { ReviewEvent } from '../decision';
import { evaluateOrder } from '../engine';
import { JURISDICTIONS } from '../jurisdictions';
import { RuleConfig, StatePack } from '../pack';
import { RULE_IMPLS } from '../registry';
import { scopeMatches } from '../rules/scope';
import { generatedPack, getPack, listPacks, PackEdits, resolvePack, verifiedPack } from '.';
import { VERIFIED_PACKS } from './verified';

const AFTER = '2021-06-01';
const NOW = new Date(`${AFTER}T17:00:00Z`);
const OXY: Order = { drugText: 'oxycodone 5 mg tablet', quantity: 40, sig: '1 tab PO q6h PRN pain' };
const OXY_3_DAYS: Order = { drugText: 'oxycodone 5 mg tablet', quantity: 12, sig: '1 tab q6h' };
const OXY_7_DAYS: Order = { drugText: 'oxycodone 5 mg tablet', quantity: 28, sig: '1 tab q6h' };
const ALPRAZOLAM: Order = { drugText: 'alprazolam 0.5 mg tablet', quantity: 60, sig: '1 tab po bid' };
const ZOLPIDEM: Order = { drugText: 'zolpidem 10 mg tablet', quantity: 30, sig: '1 tab po qhs' };
const ADDERALL: Order = { drugText: 'Adderall 20 mg tablet', quantity: 30, sig: '1 tab po daily' };
const PREGABALIN: Order = { drugText: 'pregabalin 75 mg capsule', quantity: 60, sig: '1 cap po bid' };
const TRAMADOL: Order = { drugText: 'tramadol 50 mg tablet', quantity: 30, sig: '1 tab q6h prn' };
const CODEINE_SYRUP: Order = { drugText: 'codeine-guaifenesin 10-100 mg/5 mL syrup', quantity: 120, quantityUnit: 'mL', sig: '10 mL q6h prn cough' };
const PHENOBARBITAL: Order = { drugText: 'phenobarbital 30 mg tablet', quantity: 60, sig: '1 tab po bid' };
const CARISOPRODOL: Order = { drugText: 'carisoprodol 350 mg tablet', quantity: 30, sig: '1 tab po tid' };
const continuing = (o: Order): Order => ({ ...o, continuousTherapy: true });
const ago = (days: number): ReviewEvent[] => [{ at: new Date(NOW.getTime() - days * 86_400_000).toISOString(), outcome: 'reviewed', ruleIds: [] }];

interface RuleCase {
  state: string;
  rule: string;
  order: Order;
  fires: boolean;
  documented?: string[];
  history?: ReviewEvent[];
  why: string;
}

// Every rule of every hand-verified pack (CT's are in engine.test.ts), each shown firing and
// staying silent; dates after 2019, where the verified packs apply.
const VERIFIED_RULES: RuleCase[] = [
  { state: 'NY', rule: 'ny-every-rx', order: ALPRAZOLAM, fires: true, why: 'Schedule IV, every prescription' },
  { state: 'NY', rule: 'ny-every-rx', order: PREGABALIN, fires: false, why: 'Schedule V is not covered' },
  { state: 'NY', rule: 'ny-every-rx', order: { ...OXY_3_DAYS, quantity: 16, setting: 'ed' }, fires: false, why: 'ED, 4 days: exempt' },
  { state: 'NY', rule: 'ny-every-rx', order: { ...OXY, setting: 'ed' }, fires: true, why: 'ED, 10 days: over the 5-day exception' },
  { state: 'NY', rule: 'ny-every-rx', order: OXY_3_DAYS, documented: ['delay-harms'], fires: false, why: 'a harmful delay, 3 days' },
  { state: 'NY', rule: 'ny-every-rx', order: OXY, documented: ['delay-harms'], fires: true, why: 'a harmful delay does not cover 10 days' },
  { state: 'PA', rule: 'pa-cs-first', order: ZOLPIDEM, fires: true, why: 'first prescription by this prescriber' },
  { state: 'PA', rule: 'pa-cs-first', order: continuing(ZOLPIDEM), fires: false, why: 'a continuing prescription' },
  { state: 'PA', rule: 'pa-opioid-benzo-every-rx', order: continuing(ALPRAZOLAM), fires: true, why: 'benzodiazepine, every time' },
  { state: 'PA', rule: 'pa-opioid-benzo-every-rx', order: continuing(ZOLPIDEM), fires: false, why: 'not an opioid or benzodiazepine' },
  { state: 'FL', rule: 'fl-every-rx', order: ZOLPIDEM, fires: true, why: 'Schedule IV' },
  { state: 'FL', rule: 'fl-every-rx', order: CODEINE_SYRUP, fires: true, why: 'an opioid Schedule V' },
  { state: 'FL', rule: 'fl-every-rx', order: PREGABALIN, fires: false, why: 'a non-opioid Schedule V' },
  { state: 'FL', rule: 'fl-every-rx', order: { ...ZOLPIDEM, patientAgeYears: 15 }, fires: false, why: 'under 16' },
  { state: 'FL', rule: 'fl-every-rx', order: { ...ZOLPIDEM, patientAgeYears: 16 }, fires: true, why: 'exactly 16' },
  { state: 'CA', rule: 'ca-first', order: ALPRAZOLAM, fires: true, why: 'Schedule IV, first time' },
  { state: 'CA', rule: 'ca-first', order: PREGABALIN, fires: false, why: 'Schedule V' },
  { state: 'CA', rule: 'ca-every-6-months', order: continuing(ALPRAZOLAM), history: ago(181), fires: true, why: 'last review 181 days ago' },
  { state: 'CA', rule: 'ca-every-6-months', order: ALPRAZOLAM, fires: false, why: 'not continuing' },
  { state: 'OH', rule: 'oh-opioid-benzo-first', order: OXY, fires: true, why: 'an opioid analgesic, first' },
  { state: 'OH', rule: 'oh-opioid-benzo-first', order: ADDERALL, fires: false, why: 'a stimulant' },
  { state: 'OH', rule: 'oh-opioid-benzo-every-90-days', order: continuing(ALPRAZOLAM), fires: true, why: 'continuing benzodiazepine' },
  { state: 'OH', rule: 'oh-opioid-benzo-every-90-days', order: continuing(ALPRAZOLAM), documented: ['cancer'], fires: false, why: 'cancer treatment' },
  { state: 'KY', rule: 'ky-statute-first', order: OXY, fires: true, why: 'Schedule II' },
  { state: 'KY', rule: 'ky-statute-first', order: { drugText: 'buprenorphine-naloxone 8-2 mg film', quantity: 14, sig: '1 film SL daily' }, fires: false, why: 'Schedule III without hydrocodone' },
  { state: 'KY', rule: 'ky-board-first', order: ALPRAZOLAM, fires: true, why: 'Schedule IV by board rule' },
  { state: 'KY', rule: 'ky-board-first', order: PREGABALIN, fires: false, why: 'Schedule V' },
  { state: 'KY', rule: 'ky-every-3-months', order: continuing(OXY), history: ago(91), fires: true, why: 'last review 91 days ago' },
  { state: 'KY', rule: 'ky-every-3-months', order: continuing(ALPRAZOLAM), fires: false, why: 'Schedule IV has no repeat check' },
  { state: 'MA', rule: 'ma-narcotic-every-rx', order: continuing(OXY), fires: true, why: 'Schedule II narcotic, each time' },
  { state: 'MA', rule: 'ma-narcotic-every-rx', order: TRAMADOL, fires: false, why: 'Schedule IV opioid' },
  { state: 'MA', rule: 'ma-benzo-first', order: ALPRAZOLAM, fires: true, why: 'first benzodiazepine' },
  { state: 'MA', rule: 'ma-benzo-first', order: continuing(ALPRAZOLAM), fires: false, why: 'a later benzodiazepine' },
  { state: 'NJ', rule: 'nj-cii-opioid-first', order: ADDERALL, fires: true, why: 'Schedule II' },
  { state: 'NJ', rule: 'nj-cii-opioid-first', order: TRAMADOL, fires: true, why: 'a Schedule IV opioid' },
  { state: 'NJ', rule: 'nj-cii-opioid-first', order: ZOLPIDEM, fires: false, why: 'neither' },
  { state: 'NJ', rule: 'nj-benzo-first', order: ALPRAZOLAM, fires: true, why: 'first benzodiazepine' },
  { state: 'NJ', rule: 'nj-benzo-first', order: { ...ALPRAZOLAM, setting: 'hospice' }, fires: false, why: 'hospice' },
  { state: 'NJ', rule: 'nj-every-3-months', order: continuing(OXY), fires: true, why: 'continuing opioid' },
  { state: 'NJ', rule: 'nj-every-3-months', order: continuing(ZOLPIDEM), fires: false, why: 'not covered' },
  { state: 'TX', rule: 'tx-every-rx', order: PHENOBARBITAL, fires: true, why: 'a barbiturate' },
  { state: 'TX', rule: 'tx-every-rx', order: CARISOPRODOL, fires: true, why: 'carisoprodol' },
  { state: 'TX', rule: 'tx-every-rx', order: ZOLPIDEM, fires: false, why: 'a sedative-hypnotic' },
  { state: 'TX', rule: 'tx-every-rx', order: OXY, documented: ['cancer'], fires: false, why: 'cancer, noted on the prescription' },
  { state: 'VA', rule: 'va-opioid-over-7-days', order: OXY, fires: true, why: '10 days' },
  { state: 'VA', rule: 'va-opioid-over-7-days', order: OXY_7_DAYS, fires: false, why: 'exactly 7 days' },
  { state: 'VA', rule: 'va-opioid-over-7-days', order: { ...OXY, setting: 'inpatient' }, fires: false, why: 'an inpatient' },
  { state: 'VA', rule: 'va-opioid-over-7-days', order: OXY, documented: ['palliative'], fires: false, why: 'palliative care' },
  { state: 'TN', rule: 'tn-first', order: OXY, fires: true, why: 'a new episode' },
  { state: 'TN', rule: 'tn-first', order: continuing(OXY), fires: false, why: 'a continuing episode' },
  { state: 'TN', rule: 'tn-every-rx-first-90-days', order: continuing(ALPRAZOLAM), fires: true, why: 'each prescription' },
  { state: 'TN', rule: 'tn-every-rx-first-90-days', order: ZOLPIDEM, fires: false, why: 'a sedative-hypnotic' },
  { state: 'TN', rule: 'tn-every-6-months', order: continuing(OXY), history: ago(181), fires: true, why: 'last review 181 days ago' },
  { state: 'TN', rule: 'tn-every-6-months', order: OXY, fires: false, why: 'not continuing' },
  { state: 'MI', rule: 'mi-over-3-days', order: PREGABALIN, fires: true, why: 'Schedule V, 30 days' },
  { state: 'MI', rule: 'mi-over-3-days', order: OXY_3_DAYS, fires: false, why: 'exactly 3 days' },
  { state: 'MI', rule: 'mi-over-3-days', order: { ...OXY, setting: 'hospice' }, fires: false, why: 'hospice' },
  { state: 'NC', rule: 'nc-targeted-first', order: OXY, fires: true, why: 'a Schedule II opioid' },
  { state: 'NC', rule: 'nc-targeted-first', order: TRAMADOL, fires: false, why: 'a Schedule IV opioid is not targeted' },
  { state: 'NC', rule: 'nc-targeted-every-3-months', order: continuing(OXY), history: ago(91), fires: true, why: 'last review 91 days ago' },
  { state: 'NC', rule: 'nc-targeted-every-3-months', order: continuing(ALPRAZOLAM), fires: false, why: 'not targeted' },
  { state: 'OK', rule: 'ok-opioid-first', order: OXY, fires: true, why: 'an initial opioid' },
  { state: 'OK', rule: 'ok-opioid-first', order: ALPRAZOLAM, fires: false, why: 'a benzodiazepine' },
  { state: 'OK', rule: 'ok-benzo-carisoprodol-first', order: CARISOPRODOL, fires: true, why: 'carisoprodol (unconfirmed)' },
  { state: 'OK', rule: 'ok-benzo-carisoprodol-first', order: ZOLPIDEM, fires: false, why: 'a sedative-hypnotic' },
  { state: 'OK', rule: 'ok-every-180-days', order: continuing(ALPRAZOLAM), fires: true, why: 'continuing, never reviewed' },
  { state: 'OK', rule: 'ok-every-180-days', order: ALPRAZOLAM, fires: false, why: 'not continuing' },
];

describe('every rule of every hand-verified pack', () => {
  it.each(VERIFIED_RULES)('$state $rule: $why → fires $fires', (c) => {
    const d = evaluateOrder({
      order: c.order,
      history: c.history ?? [],
      now: NOW,
      pack: getPack(c.state),
      ...(c.documented ? { context: { documentedExemptions: c.documented } } : {}),
    });
    expect(d.ruleIds.includes(c.rule)).toBe(c.fires);
  });

  it('covers every rule of every verified pack but Connecticut (engine.test.ts)', () => {
    for (const code of Object.keys(VERIFIED_PACKS)) {
      if (code === 'CT') continue;
      for (const r of verifiedPack(code)?.rules ?? []) {
        const cases = VERIFIED_RULES.filter((c) => c.rule === r.id);
        expect(cases.some((c) => c.fires), `${r.id} fires`).toBe(true);
        expect(cases.some((c) => !c.fires), `${r.id} stays silent`).toBe(true);
      }
    }
  });

  it('an unverified rule says so beside its statute', () => {
    const d = evaluateOrder({ order: CARISOPRODOL, history: [], now: NOW, pack: getPack('OK') });
    expect(d.reasons.find((r) => r.ruleId === 'ok-benzo-carisoprodol-first')).toMatchObject({ verified: false, citation: 'Okla. Stat. tit. 63, § 2-309D (unverified)' });
  });

  it('a PDAPS rule says where it comes from', () => {
    const d = evaluateOrder({ order: OXY, history: [], now: NOW, pack: getPack('WA') });
    expect(d.reasons[0]?.citation).toMatch(/\(PDAPS; not verified since 2019\)$/);
    expect(d.provenance).toBe('Coded from the law in force to 2019-12-31 (PDAPS), not verified since.');
  });
});

// Samples to build an order for any drug scope a pack can name.
const SAMPLES: Order[] = [OXY, ADDERALL, ALPRAZOLAM, TRAMADOL, ZOLPIDEM, CARISOPRODOL, PHENOBARBITAL, PREGABALIN, CODEINE_SYRUP, { drugText: 'buprenorphine-naloxone 8-2 mg film', quantity: 14, sig: '1 film SL daily' }, { drugText: 'testosterone cypionate 200 mg/mL', quantity: 10, quantityUnit: 'mL', sig: '1 mL IM every 2 weeks' }];

function orderFor(rule: RuleConfig, pack: StatePack): Order | undefined {
  const sample = SAMPLES.find((o) => rule.drugs.some((s) => scopeMatches(s, classifyDrug(o.drugText, { stateAdditions: pack.stateAdditions }))));
  if (!sample) return undefined;
  const base: Order = {
    ...sample,
    ...(rule.settings?.[0] ? { setting: rule.settings[0] } : {}),
    ...(rule.minAgeYears !== undefined ? { patientAgeYears: rule.minAgeYears } : {}),
  };
  switch (rule.type) {
    case 'supply-over':
      return { ...base, daysSupply: rule.hours / 24 + 30 };
    case 'periodic-review':
      return { ...base, continuousTherapy: true };
    case 'initial-prescription':
      return { ...base, continuousTherapy: false };
    case 'every-prescription':
      return { ...base, continuousTherapy: rule.course === 'continuing' };
    case 'refill-authorization':
      return { ...base, refills: 2 };
  }
}

describe('the shipped packs', () => {
  it('has a pack for each of the 51 jurisdictions, each valid', () => {
    expect(listPacks()).toHaveLength(51);
    for (const j of JURISDICTIONS) {
      expect(StatePack.safeParse(getPack(j.code)).success, j.code).toBe(true);
      expect(getPack(j.code).state).toBe(j.code);
      expect(generatedPack(j.code).provenance.statement).toBe('Coded from the law in force to 2019-12-31 (PDAPS), not verified since.');
    }
  });

  it('every rule type in every pack has an implementation', () => {
    for (const j of JURISDICTIONS) for (const r of getPack(j.code).rules) expect(RULE_IMPLS[r.type].type).toBe(r.type);
  });

  it('every rule of every pack fires on an order it covers, on a day it is in force', () => {
    let checked = 0;
    for (const j of JURISDICTIONS) {
      const pack = getPack(j.code);
      for (const rule of pack.rules) {
        const order = orderFor(rule, pack);
        expect(order, `${rule.id}: a sample drug for its scope`).toBeDefined();
        if (!order) continue;
        const d = evaluateOrder({ order, history: [], now: new Date(`${rule.citation.effective}T17:00:00Z`), asOf: rule.citation.effective, pack });
        expect(d.ruleIds, `${rule.id} on ${rule.citation.effective}`).toContain(rule.id);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('names states by code or name, and refuses others with a clear error', () => {
    expect(getPack('Connecticut').state).toBe('CT');
    expect(getPack('d.c.').state).toBe('DC');
    expect(() => getPack('ZZ')).toThrow('No rule pack for state "ZZ"');
    expect(() => getPack('')).toThrow('No rule pack for state ""');
  });

  it('keeps PDAPS dispenser duties visible under a verified overlay', () => {
    expect(getPack('NY').notModelled.some((n) => n.question === 'PDMP_dchk')).toBe(true);
  });
});

describe('administrator edits', () => {
  it('an edited pack is used in place of the shipped one', () => {
    const edited = { ...getPack('CT'), rules: getPack('CT').rules.map((r) => ({ ...r, enabled: r.id !== 'ct-72h-supply' })) };
    const { pack, editError } = resolvePack('CT', PackEdits.parse({ CT: edited }));
    expect(editError).toBeUndefined();
    expect(evaluateOrder({ order: OXY, history: [], now: NOW, pack }).status).toBe('not-required');
  });

  it.each<[string, unknown, string]>([
    ['not a pack', { hello: 1 }, 'The edited pack for CT was not used'],
    ['another state', { ...getPack('NY') }, 'it is for NY, not CT'],
    ['a bad time zone', { ...getPack('CT'), timeZone: 'Mars/Olympus' }, 'timeZone'],
    ['a negative threshold', { ...getPack('CT'), pmpDownFollowUpHours: -1 }, 'pmpDownFollowUpHours'],
  ])('a broken edit (%s) falls back to the shipped pack and says why', (_name, edit, message) => {
    const { pack, editError } = resolvePack('CT', { CT: edit });
    expect(pack).toBe(getPack('CT'));
    expect(editError).toContain(message);
  });

  it('an edit for another state leaves this one alone', () => {
    expect(resolvePack('CT', { NY: { broken: true } }).pack).toBe(getPack('CT'));
  });
});
