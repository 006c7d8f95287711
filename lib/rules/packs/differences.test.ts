// Where a hand-verified pack and PDAPS disagree: each difference the packs declare is named
// here, shown on an order, and the source that wins is the one the shipped pack follows.
import { describe, expect, it } from 'vitest';
import type { Order } from '../../orders/order';
import type { OrderContext } from '../context';
import type { Decision } from '../decision';
import { evaluateOrder } from '../engine';
import { JURISDICTIONS } from '../jurisdictions';
import { generatedPack, getPack, verifiedPack } from '.';

const ASOF = '2021-06-01';
const OXY: Order = { drugText: 'oxycodone 5 mg tablet', quantity: 40, sig: '1 tab PO q6h PRN pain' };
const OXY_3_DAYS: Order = { drugText: 'oxycodone 5 mg tablet', quantity: 12, sig: '1 tab q6h' };
const OXY_4_DAYS_ED: Order = { drugText: 'oxycodone 5 mg tablet', quantity: 16, sig: '1 tab q6h', setting: 'ed' };
const ALPRAZOLAM: Order = { drugText: 'alprazolam 0.5 mg tablet', quantity: 60, sig: '1 tab po bid' };
const ZOLPIDEM: Order = { drugText: 'zolpidem 10 mg tablet', quantity: 30, sig: '1 tab po qhs' };
const PREGABALIN: Order = { drugText: 'pregabalin 75 mg capsule', quantity: 60, sig: '1 cap po bid' };
const PHENOBARBITAL: Order = { drugText: 'phenobarbital 30 mg tablet', quantity: 60, sig: '1 tab po bid' };
const CARISOPRODOL: Order = { drugText: 'carisoprodol 350 mg tablet', quantity: 30, sig: '1 tab po tid' };
const continuing = (o: Order): Order => ({ ...o, continuousTherapy: true });
const reviewedDaysAgo = (days: number) => [{ at: new Date(Date.parse(`${ASOF}T17:00:00Z`) - days * 86_400_000).toISOString(), outcome: 'reviewed' as const, ruleIds: [] }];

type Check = (d: Decision) => boolean;
const status = (s: Decision['status']): Check => (d) => d.status === s;
const fires = (ruleId: string): Check => (d) => d.ruleIds.includes(ruleId);
const offers = (kind: string): Check => (d) => (d.availableExemptions ?? []).some((e) => e.kind === kind);
const not = (c: Check): Check => (d) => !c(d);

interface Difference {
  state: string;
  topic: string;
  winner: 'verified' | 'pdaps';
  order: Order;
  context?: OrderContext;
  history?: ReturnType<typeof reviewedDaysAgo>;
  /** What the PDAPS baseline alone decides, and what the shipped (overlaid) pack decides. */
  pdaps: Check;
  shipped: Check;
}

const DIFFERENCES: Difference[] = [
  { state: 'CT', topic: 'Schedule V', winner: 'verified', order: continuing({ ...PREGABALIN, quantity: 6 }), history: reviewedDaysAgo(100), pdaps: status('due'), shipped: status('reviewed') },
  { state: 'CT', topic: 'exceptions', winner: 'verified', order: OXY, pdaps: not(offers('pmp-unavailable')), shipped: offers('pmp-unavailable') },
  { state: 'NY', topic: 'exceptions', winner: 'verified', order: OXY_4_DAYS_ED, pdaps: status('due'), shipped: status('not-required') },
  { state: 'FL', topic: 'drugs', winner: 'verified', order: PREGABALIN, pdaps: status('due'), shipped: status('not-required') },
  { state: 'FL', topic: 'age', winner: 'verified', order: { ...ZOLPIDEM, patientAgeYears: 15 }, pdaps: status('due'), shipped: status('not-required') },
  { state: 'CA', topic: 'the repeat check', winner: 'verified', order: continuing(ALPRAZOLAM), history: reviewedDaysAgo(150), pdaps: status('due'), shipped: status('reviewed') },
  { state: 'OH', topic: 'schedule-based checks', winner: 'pdaps', order: ZOLPIDEM, pdaps: fires('oh-sched-ii-iii-iv-v-initial'), shipped: fires('oh-sched-ii-iii-iv-v-initial') },
  { state: 'KY', topic: 'Schedule IV', winner: 'verified', order: ALPRAZOLAM, pdaps: status('not-required'), shipped: fires('ky-board-first') },
  { state: 'MA', topic: 'opioids', winner: 'verified', order: continuing(OXY), pdaps: status('not-required'), shipped: fires('ma-narcotic-every-rx') },
  { state: 'MA', topic: 'benzodiazepines', winner: 'verified', order: continuing(ALPRAZOLAM), pdaps: fires('ma-benzo-every-rx'), shipped: status('not-required') },
  { state: 'MA', topic: 'Schedule IV and V', winner: 'pdaps', order: ZOLPIDEM, pdaps: fires('ma-sched-iv-v-initial'), shipped: fires('ma-sched-iv-v-initial') },
  { state: 'TX', topic: 'drugs', winner: 'verified', order: PHENOBARBITAL, pdaps: status('not-required'), shipped: fires('tx-every-rx') },
  { state: 'TX', topic: 'exceptions', winner: 'verified', order: OXY, context: { documentedExemptions: ['sickle-cell'] }, pdaps: status('due'), shipped: status('not-required') },
  { state: 'VA', topic: 'trigger', winner: 'verified', order: OXY_3_DAYS, pdaps: status('due'), shipped: status('not-required') },
  { state: 'VA', topic: 'exceptions', winner: 'verified', order: { ...OXY, setting: 'inpatient' }, pdaps: status('due'), shipped: status('not-required') },
  { state: 'TN', topic: 'drugs', winner: 'verified', order: ZOLPIDEM, pdaps: status('due'), shipped: status('not-required') },
  { state: 'MI', topic: 'trigger', winner: 'verified', order: OXY_3_DAYS, pdaps: status('due'), shipped: status('not-required') },
  { state: 'MI', topic: 'exceptions', winner: 'verified', order: OXY, context: { documentedExemptions: ['post-surgical'] }, pdaps: status('not-required'), shipped: status('due') },
  { state: 'NC', topic: 'drugs', winner: 'verified', order: ZOLPIDEM, pdaps: status('due'), shipped: status('not-required') },
  { state: 'NC', topic: 'exceptions', winner: 'verified', order: OXY, pdaps: not(offers('pmp-unavailable')), shipped: offers('pmp-unavailable') },
  { state: 'OK', topic: 'established opioid patients', winner: 'pdaps', order: continuing(OXY), pdaps: fires('ok-opioid-every-rx-continuing'), shipped: fires('ok-opioid-every-rx-continuing') },
  { state: 'OK', topic: 'carisoprodol', winner: 'verified', order: CARISOPRODOL, pdaps: status('not-required'), shipped: fires('ok-benzo-carisoprodol-first') },
];

function decide(pack: ReturnType<typeof getPack>, d: Difference): Decision {
  return evaluateOrder({ order: d.order, history: d.history ?? [], now: new Date(`${ASOF}T17:00:00Z`), asOf: ASOF, pack, ...(d.context ? { context: d.context } : {}) });
}

describe('hand-verified packs against PDAPS', () => {
  it.each(DIFFERENCES)('$state, $topic: the $winner source wins', (d) => {
    const declared = verifiedPack(d.state)?.differences.find((x) => x.topic === d.topic);
    expect(declared, `${d.state} declares "${d.topic}"`).toBeDefined();
    expect(declared?.winner).toBe(d.winner);
    expect(d.pdaps(decide(generatedPack(d.state), d)), 'what PDAPS alone says').toBe(true);
    expect(d.shipped(decide(getPack(d.state), d)), 'what the shipped pack says').toBe(true);
  });

  it('every difference a verified pack declares is shown above', () => {
    for (const j of JURISDICTIONS) {
      for (const x of verifiedPack(j.code)?.differences ?? []) {
        expect(DIFFERENCES.some((d) => d.state === j.code && d.topic === x.topic), `${j.code}: ${x.topic}`).toBe(true);
      }
    }
  });

  it('before the verified pack takes over, PDAPS decides (NY in 2019: no ED exception)', () => {
    const d = evaluateOrder({ order: OXY_4_DAYS_ED, history: [], now: new Date('2019-06-01T17:00:00Z'), pack: getPack('NY') });
    expect(d.status).toBe('due');
    expect(d.notes).toContain('Coded from the law in force to 2019-12-31 (PDAPS), not verified since.');
  });
});
