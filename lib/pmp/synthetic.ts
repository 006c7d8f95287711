/**
 * Deterministic synthetic PMP data for the local PMP server, the demo and the tests (and later the
 * extension's offline demo mode, so: no Node APIs here).
 *
 * Every person is invented: family names are built from words like 'Test' and 'Mock', NPIs start
 * with 9 (real NPIs start with 1 or 2), NDCs use the unassigned-looking labeler range 99xxx, and no
 * DEA numbers are made up at all. Identities depend on the seed only; fill dates are relative to
 * `today`, so the same seed gives the same people every day and a history that stays current.
 */
import { z } from 'zod';
import { normalizeName } from './history';
import type { Fill, PatientQuery } from './history';

export const Scenario = z.enum([
  'opioid-naive',
  'acute-pain',
  'chronic-opioid',
  'opioid-benzo-overlap',
  'multiple-providers',
  'buprenorphine',
  'stimulant',
  'schedule-v-only',
  'fentanyl-patch',
  'methadone',
  'liquid',
  'no-history',
]);
export type Scenario = z.infer<typeof Scenario>;

export interface SyntheticPatient {
  id: string;
  given: string;
  family: string;
  birthDate: string;
  gender: 'male' | 'female';
  postalCode: string;
  mrn: string;
  scenario: Scenario;
  /** Newest first; dates relative to `today`. */
  fills: Fill[];
}

export const DEFAULT_SEED = 20240601;
const PATIENTS_PER_SCENARIO = 5;

// ---------------------------------------------------------------------------------------------
// PRNG: mulberry32, small and identical in every JS engine.
// ---------------------------------------------------------------------------------------------

class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const a = out[i];
      const b = out[j];
      if (a === undefined || b === undefined) continue;
      out[i] = b;
      out[j] = a;
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Catalogue: drugs, prescribers, pharmacies
// ---------------------------------------------------------------------------------------------

export interface SyntheticDrug {
  drug: string;
  ingredient: string;
  strength: string;
  strengthValue: number;
  strengthUnit: string;
  quantityUnit: string;
  ndc: string;
  /** Units taken per day at the usual sig (patches: one every 3 days). */
  perDay: number;
  schedule: 'II' | 'III' | 'IV' | 'V' | 'none';
}

function drug(
  text: string,
  ingredient: string,
  strengthValue: number,
  strengthUnit: string,
  quantityUnit: string,
  perDay: number,
  schedule: SyntheticDrug['schedule'],
  ndc: string,
): SyntheticDrug {
  return { drug: text, ingredient, strength: `${strengthValue} ${strengthUnit}`, strengthValue, strengthUnit, quantityUnit, perDay, schedule, ndc };
}

/** Drug texts are written so that parseDrugText recovers ingredient and strength (tested). */
export const SYNTHETIC_DRUGS = {
  oxy5: drug('Oxycodone HCl 5 mg tablet', 'oxycodone', 5, 'mg', 'tablet', 4, 'II', '99101000501'),
  oxy10: drug('Oxycodone HCl 10 mg tablet', 'oxycodone', 10, 'mg', 'tablet', 4, 'II', '99101001001'),
  oxyApap: drug('Oxycodone HCl 5 mg / acetaminophen 325 mg tablet', 'oxycodone', 5, 'mg', 'tablet', 4, 'II', '99101032501'),
  oxyEr20: drug('Oxycodone HCl ER 20 mg tablet', 'oxycodone', 20, 'mg', 'tablet', 2, 'II', '99101002012'),
  hydro5: drug('Hydrocodone bitartrate 5 mg / acetaminophen 325 mg tablet', 'hydrocodone', 5, 'mg', 'tablet', 4, 'II', '99102000501'),
  hydro10: drug('Hydrocodone bitartrate 10 mg / acetaminophen 325 mg tablet', 'hydrocodone', 10, 'mg', 'tablet', 4, 'II', '99102001001'),
  morphEr30: drug('Morphine sulfate ER 30 mg tablet', 'morphine', 30, 'mg', 'tablet', 2, 'II', '99103003012'),
  hydromorph2: drug('Hydromorphone HCl 2 mg tablet', 'hydromorphone', 2, 'mg', 'tablet', 4, 'II', '99104000201'),
  tapentadol50: drug('Tapentadol 50 mg tablet', 'tapentadol', 50, 'mg', 'tablet', 4, 'II', '99105005001'),
  tramadol50: drug('Tramadol HCl 50 mg tablet', 'tramadol', 50, 'mg', 'tablet', 4, 'IV', '99106005001'),
  apapCodeine: drug('Acetaminophen 300 mg / codeine phosphate 30 mg tablet', 'codeine', 30, 'mg', 'tablet', 4, 'III', '99107003001'),
  fentanyl12: drug('Fentanyl 12 mcg/hr transdermal patch', 'fentanyl', 12, 'mcg/hr', 'patch', 1 / 3, 'II', '99108001205'),
  fentanyl25: drug('Fentanyl 25 mcg/hr transdermal patch', 'fentanyl', 25, 'mcg/hr', 'patch', 1 / 3, 'II', '99108002505'),
  fentanyl50: drug('Fentanyl 50 mcg/hr transdermal patch', 'fentanyl', 50, 'mcg/hr', 'patch', 1 / 3, 'II', '99108005005'),
  methadone5: drug('Methadone HCl 5 mg tablet', 'methadone', 5, 'mg', 'tablet', 3, 'II', '99109000501'),
  methadone10: drug('Methadone HCl 10 mg tablet', 'methadone', 10, 'mg', 'tablet', 3, 'II', '99109001001'),
  oxySolution: drug('Oxycodone HCl 5 mg/5 mL oral solution', 'oxycodone', 1, 'mg/mL', 'mL', 20, 'II', '99101050050'),
  hydroSolution: drug('Hydrocodone bitartrate 7.5 mg / acetaminophen 325 mg per 15 mL oral solution', 'hydrocodone', 0.5, 'mg/mL', 'mL', 60, 'II', '99102075047'),
  morphSolution: drug('Morphine sulfate 10 mg/5 mL oral solution', 'morphine', 2, 'mg/mL', 'mL', 20, 'II', '99103010050'),
  codeineSyrup: drug('Promethazine 6.25 mg / codeine 10 mg per 5 mL syrup', 'codeine', 2, 'mg/mL', 'mL', 20, 'V', '99107010048'),
  alprazolam05: drug('Alprazolam 0.5 mg tablet', 'alprazolam', 0.5, 'mg', 'tablet', 2, 'IV', '99110000501'),
  alprazolam1: drug('Alprazolam 1 mg tablet', 'alprazolam', 1, 'mg', 'tablet', 2, 'IV', '99110001001'),
  lorazepam1: drug('Lorazepam 1 mg tablet', 'lorazepam', 1, 'mg', 'tablet', 2, 'IV', '99111000101'),
  clonazepam05: drug('Clonazepam 0.5 mg tablet', 'clonazepam', 0.5, 'mg', 'tablet', 2, 'IV', '99112000501'),
  diazepam5: drug('Diazepam 5 mg tablet', 'diazepam', 5, 'mg', 'tablet', 2, 'IV', '99113000501'),
  zolpidem10: drug('Zolpidem tartrate 10 mg tablet', 'zolpidem', 10, 'mg', 'tablet', 1, 'IV', '99114001001'),
  bupNaloxone: drug('Buprenorphine 8 mg / naloxone 2 mg sublingual film', 'buprenorphine', 8, 'mg', 'film', 2, 'III', '99115000830'),
  bup8: drug('Buprenorphine 8 mg sublingual tablet', 'buprenorphine', 8, 'mg', 'tablet', 2, 'III', '99115000801'),
  methylphenidate36: drug('Methylphenidate ER 36 mg tablet', 'methylphenidate', 36, 'mg', 'tablet', 1, 'II', '99116003601'),
  lisdex30: drug('Lisdexamfetamine dimesylate 30 mg capsule', 'lisdexamfetamine', 30, 'mg', 'capsule', 1, 'II', '99117003001'),
  dextroamphetamine10: drug('Dextroamphetamine sulfate 10 mg tablet', 'dextroamphetamine', 10, 'mg', 'tablet', 2, 'II', '99118001001'),
  pregabalin75: drug('Pregabalin 75 mg capsule', 'pregabalin', 75, 'mg', 'capsule', 2, 'V', '99119007501'),
  lacosamide100: drug('Lacosamide 100 mg tablet', 'lacosamide', 100, 'mg', 'tablet', 2, 'V', '99120010001'),
  gabapentin300: drug('Gabapentin 300 mg capsule', 'gabapentin', 300, 'mg', 'capsule', 3, 'none', '99121030001'),
} as const satisfies Record<string, SyntheticDrug>;
type DrugKey = keyof typeof SYNTHETIC_DRUGS;

/** NPI check digit (Luhn over '80840' + the first nine digits), so the numbers pass format checks. */
export function npiCheckDigit(first9: string): number {
  const digits = `80840${first9}`.split('').map(Number);
  let sum = 0;
  let double = true;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits[i] ?? 0;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return (10 - (sum % 10)) % 10;
}

function fakeNpi(n: number): string {
  const first9 = String(900000000 + n * 7919);
  return `${first9}${npiCheckDigit(first9)}`;
}

type Prescriber = Fill['prescriber'];
type Pharmacy = Fill['pharmacy'] & { postalCode: string };

const PRESCRIBER_NAMES = [
  'Avery Testford, MD', 'Jordan Stubfield, MD', 'Quinn Mockridge, DO', 'Harper Samplewood, MD',
  'Rowan Fixturely, APRN', 'Emerson Placeholt, MD', 'Sasha Demoreau, PA-C', 'Kendall Protoman, MD',
  'Reese Dummerton, DDS', 'Blake Fauxley, MD', 'Dakota Pseudonova, APRN', 'Skyler Exampleby, MD',
  'Parker Mockingham, DO', 'Hayden Stubworth, MD', 'Cameron Trialson, APRN', 'Ellis Testwick, MD',
] as const;

export const SYNTHETIC_PRESCRIBERS: readonly Prescriber[] = PRESCRIBER_NAMES.map((name, i) => ({ name, npi: fakeNpi(i + 1) }));

const PHARMACY_ROWS = [
  ['Testbrook Pharmacy', 'Hartford', '06103'],
  ['Sample Street Drug', 'New Haven', '06511'],
  ['Mockingbird Pharmacy', 'Manchester', '06040'],
  ['Demo Corner Pharmacy', 'Bridgeport', '06604'],
  ['Fixture Family Pharmacy', 'Stamford', '06901'],
  ['Stubhill Apothecary', 'Waterbury', '06702'],
  ['Exampleton Drug', 'Norwalk', '06850'],
  ['Protoville Pharmacy', 'Danbury', '06810'],
  ['Faux Falls Pharmacy', 'New Britain', '06051'],
  ['Sampleview Pharmacy', 'West Hartford', '06107'],
  ['Mockport Drug', 'Middletown', '06457'],
  ['Testmark Pharmacy', 'Meriden', '06450'],
  ['Demoville Drug', 'Bristol', '06010'],
  ['Trialgate Pharmacy', 'Norwich', '06360'],
  ['Dummyfield Pharmacy', 'New London', '06320'],
] as const;

export const SYNTHETIC_PHARMACIES: readonly Pharmacy[] = PHARMACY_ROWS.map(([name, city, postalCode], i) => ({
  name,
  npi: fakeNpi(100 + i),
  city,
  state: 'CT',
  postalCode,
}));

// Dentists write short acute courses, not long-term controlled therapy.
const LONG_TERM_PRESCRIBERS = SYNTHETIC_PRESCRIBERS.filter((p) => !p.name.endsWith('DDS'));

const PAYMENT_TYPES = ['Commercial Insurance', 'Medicaid', 'Medicare', 'Private Pay (Cash, Charge, Credit Card)'] as const;
const CASH = 'Private Pay (Cash, Charge, Credit Card)';

const FEMALE_GIVEN = ['Ava', 'Zoë', 'Renée', 'Maya', 'Inés', 'Clara', 'Nora', 'Lena', 'Iris', 'Hazel', 'Ruby', 'Elena', 'Jade', 'Vera', 'Tessa', 'Mira'] as const;
const MALE_GIVEN = ['Liam', 'José', 'André', 'Noah', 'Eli', 'Owen', 'Felix', 'Hugo', 'Milo', 'Theo', 'Silas', 'Jonah', 'Ezra', 'Caleb', 'Noé', 'Ravi'] as const;
// Family names are compounds no real family carries: the data must read as synthetic at a glance.
const FAMILY_HEAD = ['Test', 'Sample', 'Mock', 'Demo', 'Proto', 'Fixture', 'Stub', 'Dummy', 'Faux', 'Pseudo', 'Trial', 'Example'] as const;
const FAMILY_TAIL = ['wood', 'field', 'berg', 'ridge', 'ley', 'more', 'worth', 'by', 'stead', 'ham', 'hurst', 'dale'] as const;
const CT_ZIPS = ['06103', '06511', '06040', '06604', '06901', '06702', '06850', '06810', '06051', '06107', '06457', '06450', '06010', '06360', '06320', '06790', '06082', '06460', '06514', '06033'] as const;

function prescriberAt(i: number): Prescriber {
  const p = SYNTHETIC_PRESCRIBERS[i % SYNTHETIC_PRESCRIBERS.length];
  if (!p) throw new Error('empty prescriber pool');
  return p;
}

function pharmacyAt(i: number): Pharmacy {
  const p = SYNTHETIC_PHARMACIES[i % SYNTHETIC_PHARMACIES.length];
  if (!p) throw new Error('empty pharmacy pool');
  return p;
}

// ---------------------------------------------------------------------------------------------
// Fill building
// ---------------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;

/** Today's calendar date in the local time zone, as a UTC midnight timestamp for date maths. */
function dayZero(today: Date): number {
  return Date.UTC(today.getFullYear(), today.getMonth(), today.getDate());
}

function isoDaysAgo(day0: number, daysAgo: number): string {
  return new Date(day0 - daysAgo * DAY_MS).toISOString().slice(0, 10);
}

interface FillSpec {
  drug: DrugKey;
  daysAgo: number;
  days: number;
  prescriber: Prescriber;
  pharmacy: Pharmacy;
  refillNumber?: number;
  writtenDaysAgo?: number;
  paymentType?: string;
}

class FillBuilder {
  readonly fills: Fill[] = [];
  private rxCounter: number;

  constructor(
    private readonly patientId: string,
    private readonly day0: number,
    rxBase: number,
    private readonly payment: string,
  ) {
    this.rxCounter = rxBase;
  }

  add(spec: FillSpec): Fill {
    const d = SYNTHETIC_DRUGS[spec.drug];
    const raw = d.perDay * spec.days;
    // Liquids are dispensed in whole 5 mL steps, solids in whole units.
    const quantity = d.quantityUnit === 'mL' ? Math.max(5, Math.round(raw / 5) * 5) : Math.max(1, Math.round(raw));
    this.rxCounter += 1;
    const pharmacy: Fill['pharmacy'] = { name: spec.pharmacy.name, npi: spec.pharmacy.npi, city: spec.pharmacy.city, state: spec.pharmacy.state };
    const fill: Fill = {
      id: `${this.patientId}-${this.fills.length + 1}`,
      drug: d.drug,
      ingredient: d.ingredient,
      strength: d.strength,
      strengthValue: d.strengthValue,
      strengthUnit: d.strengthUnit,
      quantity,
      quantityUnit: d.quantityUnit,
      daysSupply: spec.days,
      dispensedOn: isoDaysAgo(this.day0, spec.daysAgo),
      writtenOn: isoDaysAgo(this.day0, spec.writtenDaysAgo ?? spec.daysAgo),
      refillNumber: spec.refillNumber ?? 0,
      rxNumber: String(this.rxCounter),
      ndc: d.ndc,
      prescriber: { ...spec.prescriber },
      pharmacy,
      paymentType: spec.paymentType ?? this.payment,
    };
    this.fills.push(fill);
    return fill;
  }

  /**
   * Repeated fills of one drug, newest `firstDaysAgo` ago. Schedule II cannot be refilled, so each
   * is a new prescription; III–V are refills of one prescription.
   */
  series(spec: Omit<FillSpec, 'daysAgo'>, firstDaysAgo: number, count: number, interval: () => number): void {
    const refillable = SYNTHETIC_DRUGS[spec.drug].schedule !== 'II';
    const offsets: number[] = [];
    let at = firstDaysAgo;
    for (let i = 0; i < count; i++) {
      offsets.push(at);
      at += interval();
    }
    // Oldest first, so refill numbers count up with time; a III-V prescription allows 5 refills.
    const ordered = offsets.reverse();
    ordered.forEach((daysAgo, i) => {
      const firstOfRx = refillable ? (ordered[i - (i % 6)] ?? daysAgo) : daysAgo;
      this.add({ ...spec, daysAgo, refillNumber: refillable ? i % 6 : 0, writtenDaysAgo: firstOfRx + 1 });
    });
  }

  done(): Fill[] {
    return [...this.fills].sort((a, b) => b.dispensedOn.localeCompare(a.dispensedOn) || a.id.localeCompare(b.id));
  }
}

// ---------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------

type ScenarioBuilder = (b: FillBuilder, r: Rng) => void;

const OPIOIDS_ACUTE = ['hydro5', 'oxy5', 'oxyApap', 'tramadol50', 'apapCodeine'] as const satisfies readonly DrugKey[];
const OPIOIDS_CHRONIC = ['oxy10', 'hydro10', 'morphEr30', 'oxyEr20', 'tapentadol50', 'hydromorph2'] as const satisfies readonly DrugKey[];
const BENZOS = ['alprazolam05', 'alprazolam1', 'lorazepam1', 'clonazepam05', 'diazepam5'] as const satisfies readonly DrugKey[];

const monthly = (r: Rng) => (): number => r.int(27, 32);

const SCENARIOS: Record<Scenario, ScenarioBuilder> = {
  'opioid-naive': (b, r) => {
    const doctor = r.pick(LONG_TERM_PRESCRIBERS);
    const pharmacy = r.pick(SYNTHETIC_PHARMACIES);
    const variant = r.int(0, 3);
    if (variant === 0) b.add({ drug: 'pregabalin75', daysAgo: r.int(20, 200), days: 30, prescriber: doctor, pharmacy });
    else if (variant === 1) b.series({ drug: 'gabapentin300', days: 30, prescriber: doctor, pharmacy }, r.int(5, 40), r.int(2, 4), monthly(r));
    else if (variant === 2) b.add({ drug: 'hydro5', daysAgo: r.int(420, 700), days: 3, prescriber: doctor, pharmacy });
    else b.add({ drug: 'lacosamide100', daysAgo: r.int(10, 120), days: 30, prescriber: doctor, pharmacy });
  },
  'acute-pain': (b, r) => {
    const pharmacy = r.pick(SYNTHETIC_PHARMACIES);
    b.add({ drug: r.pick(OPIOIDS_ACUTE), daysAgo: r.int(2, 60), days: r.int(3, 7), prescriber: r.pick(SYNTHETIC_PRESCRIBERS), pharmacy });
    if (r.chance(0.4)) {
      b.add({ drug: r.pick(OPIOIDS_ACUTE), daysAgo: r.int(120, 330), days: r.int(3, 5), prescriber: r.pick(SYNTHETIC_PRESCRIBERS), pharmacy });
    }
  },
  'chronic-opioid': (b, r) => {
    const spec = { drug: r.pick(OPIOIDS_CHRONIC), days: 30, prescriber: r.pick(LONG_TERM_PRESCRIBERS), pharmacy: r.pick(SYNTHETIC_PHARMACIES) };
    b.series(spec, r.int(1, 25), r.int(6, 12), monthly(r));
  },
  'opioid-benzo-overlap': (b, r) => {
    const pharmacy = r.pick(SYNTHETIC_PHARMACIES);
    b.series({ drug: r.pick(OPIOIDS_CHRONIC), days: 30, prescriber: r.pick(LONG_TERM_PRESCRIBERS), pharmacy }, r.int(1, 20), r.int(3, 6), monthly(r));
    // The benzodiazepine comes from someone else, as it usually does when the overlap goes unnoticed.
    b.series({ drug: r.pick(BENZOS), days: 30, prescriber: r.pick(LONG_TERM_PRESCRIBERS), pharmacy }, r.int(1, 20), r.int(2, 4), monthly(r));
  },
  'multiple-providers': (b, r) => {
    const count = r.int(6, 8);
    const doctors = r.shuffle(SYNTHETIC_PRESCRIBERS);
    const pharmacies = r.shuffle(SYNTHETIC_PHARMACIES);
    const drugs = ['oxy5', 'oxyApap', 'hydro5', 'hydro10', 'tramadol50', 'alprazolam1'] as const;
    for (let i = 0; i < count; i++) {
      b.add({
        drug: r.pick(drugs),
        daysAgo: 2 + Math.floor((i * 82) / count) + r.int(0, 3),
        days: r.int(5, 15),
        prescriber: doctors[i % doctors.length] ?? prescriberAt(i),
        pharmacy: pharmacies[i % pharmacies.length] ?? pharmacyAt(i),
        paymentType: r.chance(0.5) ? CASH : undefined,
      });
    }
  },
  buprenorphine: (b, r) => {
    const interval = r.pick([7, 14, 28]);
    b.series(
      { drug: r.chance(0.8) ? 'bupNaloxone' : 'bup8', days: interval, prescriber: r.pick(LONG_TERM_PRESCRIBERS), pharmacy: r.pick(SYNTHETIC_PHARMACIES) },
      r.int(1, interval),
      r.int(4, 10),
      () => interval + r.int(-1, 1),
    );
  },
  stimulant: (b, r) => {
    const spec = { drug: r.pick(['methylphenidate36', 'lisdex30', 'dextroamphetamine10'] as const), days: 30, prescriber: r.pick(LONG_TERM_PRESCRIBERS), pharmacy: r.pick(SYNTHETIC_PHARMACIES) };
    b.series(spec, r.int(1, 30), r.int(4, 12), monthly(r));
  },
  'schedule-v-only': (b, r) => {
    const prescriber = r.pick(LONG_TERM_PRESCRIBERS);
    const pharmacy = r.pick(SYNTHETIC_PHARMACIES);
    const variant = r.int(0, 2);
    if (variant === 0) b.series({ drug: 'pregabalin75', days: 30, prescriber, pharmacy }, r.int(1, 30), r.int(3, 8), monthly(r));
    else if (variant === 1) b.series({ drug: 'lacosamide100', days: 30, prescriber, pharmacy }, r.int(1, 30), r.int(3, 8), monthly(r));
    else b.add({ drug: 'codeineSyrup', daysAgo: r.int(3, 90), days: r.int(5, 10), prescriber, pharmacy });
  },
  'fentanyl-patch': (b, r) => {
    const prescriber = r.pick(LONG_TERM_PRESCRIBERS);
    const pharmacy = r.pick(SYNTHETIC_PHARMACIES);
    b.series({ drug: r.pick(['fentanyl12', 'fentanyl25', 'fentanyl50'] as const), days: 30, prescriber, pharmacy }, r.int(1, 25), r.int(3, 8), monthly(r));
    if (r.chance(0.5)) b.series({ drug: 'oxy5', days: 30, prescriber, pharmacy }, r.int(1, 25), r.int(1, 3), monthly(r));
  },
  methadone: (b, r) => {
    const spec = { drug: r.pick(['methadone5', 'methadone10'] as const), days: 30, prescriber: r.pick(LONG_TERM_PRESCRIBERS), pharmacy: r.pick(SYNTHETIC_PHARMACIES) };
    b.series(spec, r.int(1, 25), r.int(4, 10), monthly(r));
  },
  liquid: (b, r) => {
    const spec = { drug: r.pick(['oxySolution', 'hydroSolution', 'morphSolution'] as const), days: r.pick([5, 7, 10, 30]), prescriber: r.pick(LONG_TERM_PRESCRIBERS), pharmacy: r.pick(SYNTHETIC_PHARMACIES) };
    b.series(spec, r.int(1, 40), r.int(1, 4), () => r.int(spec.days, spec.days + 20));
  },
  'no-history': () => undefined,
};

// ---------------------------------------------------------------------------------------------
// Fixed anchors (the demo and the e2e tests depend on these)
// ---------------------------------------------------------------------------------------------

interface Identity {
  id: string;
  given: string;
  family: string;
  birthDate: string;
  gender: 'male' | 'female';
  postalCode: string;
  mrn: string;
  scenario: Scenario;
}

const ANCHORS: readonly { identity: Identity; fills: (b: FillBuilder) => void }[] = [
  {
    identity: { id: 'demo-chronic', given: 'Morgan', family: 'Testwell', birthDate: '1961-04-09', gender: 'female', postalCode: '06103', mrn: 'MRN-100234', scenario: 'chronic-opioid' },
    fills: (b) => {
      const prescriber = prescriberAt(0);
      const pharmacy = pharmacyAt(0);
      for (const daysAgo of [153, 123, 93, 63, 33, 3]) {
        b.add({ drug: 'oxy5', daysAgo, days: 30, prescriber, pharmacy, writtenDaysAgo: daysAgo + 1 });
      }
      // Overlaps the oxycodone fills of 33 and 3 days ago.
      b.add({ drug: 'alprazolam05', daysAgo: 20, days: 30, prescriber: prescriberAt(11), pharmacy, writtenDaysAgo: 21 });
    },
  },
  {
    identity: { id: 'demo-naive', given: 'Riley', family: 'Sampleton', birthDate: '1988-11-23', gender: 'male', postalCode: '06511', mrn: 'MRN-100871', scenario: 'opioid-naive' },
    fills: () => undefined,
  },
  {
    identity: { id: 'demo-multi', given: 'Casey', family: 'Examplar', birthDate: '1975-02-17', gender: 'female', postalCode: '06040', mrn: 'MRN-101502', scenario: 'multiple-providers' },
    fills: (b) => {
      const plan: [DrugKey, number, number, number, number][] = [
        // drug, days ago, days supply, prescriber, pharmacy
        ['hydro5', 84, 7, 2, 1],
        ['oxyApap', 71, 5, 3, 2],
        ['tramadol50', 58, 10, 4, 3],
        ['oxy5', 47, 7, 5, 4],
        ['hydro10', 33, 5, 6, 5],
        ['alprazolam1', 21, 15, 7, 6],
        ['oxyApap', 12, 5, 2, 3],
        ['hydro5', 4, 7, 3, 1],
      ];
      for (const [drugKey, daysAgo, days, p, ph] of plan) {
        b.add({ drug: drugKey, daysAgo, days, prescriber: prescriberAt(p), pharmacy: pharmacyAt(ph), paymentType: daysAgo < 40 ? CASH : undefined });
      }
    },
  },
  // Same name and date of birth, told apart only by sex and ZIP: exercises 'multiple-matches'.
  {
    identity: { id: 'dup-twinfield-1', given: 'Jordan', family: 'Twinfield', birthDate: '1990-07-14', gender: 'female', postalCode: '06106', mrn: 'MRN-102001', scenario: 'acute-pain' },
    fills: (b) => {
      b.add({ drug: 'oxyApap', daysAgo: 9, days: 5, prescriber: prescriberAt(8), pharmacy: pharmacyAt(9) });
    },
  },
  {
    identity: { id: 'dup-twinfield-2', given: 'Jordan', family: 'Twinfield', birthDate: '1990-07-14', gender: 'male', postalCode: '06516', mrn: 'MRN-102002', scenario: 'stimulant' },
    fills: (b) => {
      for (const daysAgo of [95, 64, 35, 6]) b.add({ drug: 'methylphenidate36', daysAgo, days: 30, prescriber: prescriberAt(12), pharmacy: pharmacyAt(1), writtenDaysAgo: daysAgo + 2 });
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

function nameKey(given: string, family: string, birthDate: string): string {
  return `${normalizeName(given)}|${normalizeName(family)}|${birthDate}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** The synthetic PMP population: fixed demo anchors plus seeded patients for every scenario. */
export function syntheticPatients(options: { seed?: number; today?: Date } = {}): SyntheticPatient[] {
  const seed = options.seed ?? DEFAULT_SEED;
  const day0 = dayZero(options.today ?? new Date());
  const identities = new Rng(seed);
  const out: SyntheticPatient[] = [];
  const taken = new Set<string>();

  ANCHORS.forEach(({ identity, fills }, i) => {
    const b = new FillBuilder(identity.id, day0, 4_100_000 + i * 1000, PAYMENT_TYPES[i % PAYMENT_TYPES.length] ?? CASH);
    fills(b);
    out.push({ ...identity, fills: b.done() });
    taken.add(nameKey(identity.given, identity.family, identity.birthDate));
  });

  let n = 0;
  for (const scenario of Scenario.options) {
    for (let k = 0; k < PATIENTS_PER_SCENARIO; k++) {
      n += 1;
      const gender = identities.chance(0.5) ? 'female' : 'male';
      let given: string;
      let family: string;
      let birthDate: string;
      // Redraw on a clash: the only shared name + date of birth must be the deliberate pair above.
      do {
        given = identities.pick(gender === 'female' ? FEMALE_GIVEN : MALE_GIVEN);
        family = `${identities.pick(FAMILY_HEAD)}${identities.pick(FAMILY_TAIL)}`;
        birthDate = `${identities.int(1940, 2006)}-${pad(identities.int(1, 12), 2)}-${pad(identities.int(1, 28), 2)}`;
      } while (taken.has(nameKey(given, family, birthDate)));
      taken.add(nameKey(given, family, birthDate));
      const id = `syn-${pad(n, 3)}`;
      const postalCode = identities.pick(CT_ZIPS);
      const payment = identities.pick(PAYMENT_TYPES);
      // Fills draw from their own stream so identities never change when a scenario is tuned.
      const fillRng = new Rng((seed ^ Math.imul(n, 0x9e3779b1)) >>> 0);
      const b = new FillBuilder(id, day0, 5_000_000 + n * 1000, payment);
      SCENARIOS[scenario](b, fillRng);
      out.push({ id, given, family, birthDate, gender, postalCode, mrn: `MRN-${300000 + n * 17}`, scenario, fills: b.done() });
    }
  }
  return out;
}

function firstToken(s: string): string {
  return normalizeName(s).split(' ')[0] ?? '';
}

/**
 * PMP-style matching: name (case and accents ignored) and date of birth, then narrowed by sex and
 * ZIP when given. A narrowing step that would leave nobody is skipped: a moved patient or a sex
 * recorded differently must not turn a real match into 'no match'.
 */
export function findPatients(patients: SyntheticPatient[], q: PatientQuery): SyntheticPatient[] {
  const family = normalizeName(q.family).replace(/ /g, '');
  const given = firstToken(q.given);
  let found = patients.filter(
    (p) => p.birthDate === q.birthDate && normalizeName(p.family).replace(/ /g, '') === family && firstToken(p.given) === given,
  );
  if (q.gender === 'male' || q.gender === 'female') {
    const bySex = found.filter((p) => p.gender === q.gender);
    if (bySex.length > 0) found = bySex;
  }
  const zip = q.postalCode?.trim().slice(0, 5);
  if (zip) {
    const byZip = found.filter((p) => p.postalCode === zip);
    if (byZip.length > 0) found = byZip;
  }
  return found;
}
