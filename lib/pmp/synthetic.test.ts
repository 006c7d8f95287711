import { describe, expect, it } from 'vitest';
import { parseDrugText } from './fhir';
import { Fill, normalizeName } from './history';
import type { PatientQuery } from './history';
import {
  SYNTHETIC_DRUGS,
  SYNTHETIC_PHARMACIES,
  SYNTHETIC_PRESCRIBERS,
  Scenario,
  findPatients,
  npiCheckDigit,
  syntheticPatients,
} from './synthetic';
import type { SyntheticPatient } from './synthetic';

const TODAY = new Date(2025, 5, 15, 9, 30); // local time, 2025-06-15
const patients = syntheticPatients({ today: TODAY });
const byId = (id: string): SyntheticPatient => {
  const p = patients.find((x) => x.id === id);
  if (!p) throw new Error(`missing ${id}`);
  return p;
};
const daysBefore = (iso: string): number => Math.round((Date.UTC(2025, 5, 15) - Date.parse(`${iso}T00:00:00Z`)) / 86_400_000);

function within90(fills: Fill[]): Fill[] {
  return fills.filter((f) => daysBefore(f.dispensedOn) <= 90);
}

function overlapDays(a: Fill[], b: Fill[]): number {
  const days = (f: Fill): Set<number> => {
    const start = daysBefore(f.dispensedOn);
    return new Set(Array.from({ length: f.daysSupply }, (_, i) => start - i));
  };
  const covered = new Set(a.flatMap((f) => [...days(f)]));
  return new Set(b.flatMap((f) => [...days(f)].filter((d) => covered.has(d)))).size;
}

const OPIOIDS = new Set(['oxycodone', 'hydrocodone', 'morphine', 'hydromorphone', 'tapentadol', 'tramadol', 'codeine', 'fentanyl', 'methadone']);
const BENZOS = new Set(['alprazolam', 'lorazepam', 'clonazepam', 'diazepam']);
const CONTROLLED_EXCEPT_CV = (f: Fill): boolean => {
  const d = Object.values(SYNTHETIC_DRUGS).find((x) => x.drug === f.drug);
  return d !== undefined && d.schedule !== 'V' && d.schedule !== 'none';
};

describe('syntheticPatients', () => {
  it('is deterministic for the same seed and day', () => {
    expect(syntheticPatients({ today: TODAY })).toEqual(patients);
    expect(syntheticPatients({ seed: 7, today: TODAY })).toEqual(syntheticPatients({ seed: 7, today: TODAY }));
  });

  it('keeps identities across days and moves only the fill dates', () => {
    const later = syntheticPatients({ today: new Date(2025, 6, 25) });
    const identity = ({ fills: _f, ...rest }: SyntheticPatient): Omit<SyntheticPatient, 'fills'> => rest;
    expect(later.map(identity)).toEqual(patients.map(identity));
    expect(later.map((p) => p.fills.length)).toEqual(patients.map((p) => p.fills.length));
    expect(later.find((p) => p.id === 'demo-chronic')?.fills[0]?.dispensedOn).toBe('2025-07-22');
  });

  it('gives different people for a different seed', () => {
    const other = syntheticPatients({ seed: 99, today: TODAY });
    expect(other.filter((p) => p.id.startsWith('syn-')).map((p) => p.family)).not.toEqual(
      patients.filter((p) => p.id.startsWith('syn-')).map((p) => p.family),
    );
  });

  it('has at least 60 patients with unique ids and MRNs', () => {
    expect(patients.length).toBeGreaterThanOrEqual(60);
    expect(new Set(patients.map((p) => p.id)).size).toBe(patients.length);
    expect(new Set(patients.map((p) => p.mrn)).size).toBe(patients.length);
  });

  it.each(Scenario.options)('covers scenario %s', (scenario) => {
    expect(patients.filter((p) => p.scenario === scenario).length).toBeGreaterThanOrEqual(5);
  });

  it('only the deliberate pair shares name and date of birth', () => {
    const keys = patients.map((p) => `${normalizeName(p.given)}|${normalizeName(p.family)}|${p.birthDate}`);
    const dupes = keys.filter((k, i) => keys.indexOf(k) !== i);
    expect(dupes).toEqual(['jordan|twinfield|1990-07-14']);
  });

  it('produces valid, plausible fills', () => {
    for (const p of patients) {
      for (const f of p.fills) {
        expect(Fill.safeParse(f).success).toBe(true);
        expect(f.quantity).toBeGreaterThan(0);
        expect(f.daysSupply).toBeGreaterThan(0);
        expect(f.ndc).toMatch(/^\d{11}$/);
        expect(f.prescriber.npi).toMatch(/^9\d{9}$/);
        expect(f.pharmacy.state).toBe('CT');
        expect(daysBefore(f.dispensedOn)).toBeGreaterThanOrEqual(0);
        expect((f.writtenOn ?? f.dispensedOn) <= f.dispensedOn).toBe(true);
      }
      const dates = p.fills.map((f) => f.dispensedOn);
      expect(dates).toEqual([...dates].sort().reverse());
    }
  });

  it('writes patient names that are plainly synthetic', () => {
    for (const p of patients.filter((x) => x.id.startsWith('syn-'))) {
      expect(p.family).toMatch(/^(Test|Sample|Mock|Demo|Proto|Fixture|Stub|Dummy|Faux|Pseudo|Trial|Example)/);
    }
  });
});

describe('fixed anchors', () => {
  it.each([
    ['demo-chronic', { given: 'Morgan', family: 'Testwell', birthDate: '1961-04-09', gender: 'female', postalCode: '06103', mrn: 'MRN-100234' }],
    ['demo-naive', { given: 'Riley', family: 'Sampleton', birthDate: '1988-11-23', gender: 'male', postalCode: '06511', mrn: 'MRN-100871' }],
    ['demo-multi', { given: 'Casey', family: 'Examplar', birthDate: '1975-02-17', gender: 'female', postalCode: '06040', mrn: 'MRN-101502' }],
  ])('%s keeps its identity for any seed', (id, identity) => {
    expect(byId(id)).toMatchObject(identity);
    expect(syntheticPatients({ seed: 12345, today: TODAY }).find((p) => p.id === id)).toMatchObject(identity);
  });

  it('demo-chronic: oxycodone 5 mg about every 30 days for 6 months, one prescriber and pharmacy, alprazolam 20 days ago', () => {
    const p = byId('demo-chronic');
    const oxy = p.fills.filter((f) => f.drug === 'Oxycodone HCl 5 mg tablet');
    expect(oxy).toHaveLength(6);
    expect(new Set(oxy.map((f) => f.prescriber.npi)).size).toBe(1);
    expect(new Set(oxy.map((f) => f.pharmacy.npi)).size).toBe(1);
    const gaps = oxy.slice(1).map((f, i) => daysBefore(f.dispensedOn) - daysBefore(oxy[i]?.dispensedOn ?? ''));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(28);
    for (const gap of gaps) expect(gap).toBeLessThanOrEqual(32);
    const alprazolam = p.fills.filter((f) => f.ingredient === 'alprazolam');
    expect(alprazolam).toHaveLength(1);
    expect(alprazolam[0]).toMatchObject({ strengthValue: 0.5, strengthUnit: 'mg' });
    expect(daysBefore(alprazolam[0]?.dispensedOn ?? '')).toBe(20);
    expect(overlapDays(oxy, alprazolam)).toBeGreaterThan(0);
  });

  it('demo-naive: known to the PMP with no fills', () => {
    expect(byId('demo-naive').fills).toEqual([]);
  });

  it.each(['demo-multi', ...patients.filter((p) => p.scenario === 'multiple-providers').map((p) => p.id)])(
    '%s: at least 5 prescribers and 5 pharmacies within 90 days',
    (id) => {
      const recent = within90(byId(id).fills);
      expect(new Set(recent.map((f) => f.prescriber.npi)).size).toBeGreaterThanOrEqual(5);
      expect(new Set(recent.map((f) => f.pharmacy.npi)).size).toBeGreaterThanOrEqual(5);
    },
  );
});

describe('scenarios hold what their names promise', () => {
  const of = (s: Scenario): SyntheticPatient[] => patients.filter((p) => p.scenario === s && !p.id.startsWith('demo-') && !p.id.startsWith('dup-'));

  it.each([
    ['opioid-naive', (p: SyntheticPatient) => p.fills.length > 0 && p.fills.every((f) => !CONTROLLED_EXCEPT_CV(f) || daysBefore(f.dispensedOn) > 365)],
    ['acute-pain', (p: SyntheticPatient) => p.fills.length > 0 && p.fills.every((f) => OPIOIDS.has(f.ingredient ?? '') && f.daysSupply <= 7)],
    ['chronic-opioid', (p: SyntheticPatient) => p.fills.length >= 6 && p.fills.every((f) => OPIOIDS.has(f.ingredient ?? ''))],
    [
      'opioid-benzo-overlap',
      (p: SyntheticPatient) => overlapDays(p.fills.filter((f) => OPIOIDS.has(f.ingredient ?? '')), p.fills.filter((f) => BENZOS.has(f.ingredient ?? ''))) > 0,
    ],
    ['buprenorphine', (p: SyntheticPatient) => p.fills.length >= 4 && p.fills.every((f) => f.ingredient === 'buprenorphine')],
    ['stimulant', (p: SyntheticPatient) => p.fills.length >= 4 && p.fills.every((f) => ['methylphenidate', 'lisdexamfetamine', 'dextroamphetamine'].includes(f.ingredient ?? ''))],
    ['schedule-v-only', (p: SyntheticPatient) => p.fills.length > 0 && p.fills.every((f) => Object.values(SYNTHETIC_DRUGS).some((d) => d.drug === f.drug && d.schedule === 'V'))],
    ['fentanyl-patch', (p: SyntheticPatient) => p.fills.some((f) => f.ingredient === 'fentanyl' && f.strengthUnit === 'mcg/hr' && f.quantityUnit === 'patch')],
    ['methadone', (p: SyntheticPatient) => p.fills.length >= 4 && p.fills.every((f) => f.ingredient === 'methadone')],
    ['liquid', (p: SyntheticPatient) => p.fills.length > 0 && p.fills.every((f) => f.quantityUnit === 'mL' && f.strengthUnit === 'mg/mL')],
    ['no-history', (p: SyntheticPatient) => p.fills.length === 0],
  ] as const)('%s', (scenario, holds) => {
    const group = of(scenario);
    expect(group.length).toBeGreaterThan(0);
    for (const p of group) expect(holds(p)).toBe(true);
  });
});

describe('catalogue', () => {
  it.each(Object.entries(SYNTHETIC_DRUGS))('%s: parseDrugText reads back ingredient and strength', (_key, d) => {
    expect(parseDrugText(d.drug)).toEqual({ ingredient: d.ingredient, strength: d.strength, strengthValue: d.strengthValue, strengthUnit: d.strengthUnit });
  });

  it('NPI check digits follow the Luhn rule (CMS example 123456789 -> 3)', () => {
    expect(npiCheckDigit('123456789')).toBe(3);
  });

  it('has enough distinct prescribers and CT pharmacies for a multiple provider episode', () => {
    expect(new Set(SYNTHETIC_PRESCRIBERS.map((p) => p.npi)).size).toBe(SYNTHETIC_PRESCRIBERS.length);
    expect(new Set(SYNTHETIC_PHARMACIES.map((p) => p.npi)).size).toBe(SYNTHETIC_PHARMACIES.length);
    expect(SYNTHETIC_PHARMACIES.every((p) => p.state === 'CT' && /^06\d{3}$/.test(p.postalCode))).toBe(true);
  });
});

describe('findPatients', () => {
  const q = (over: Partial<PatientQuery>): PatientQuery => ({ given: 'Morgan', family: 'Testwell', birthDate: '1961-04-09', ...over });
  const ids = (query: PatientQuery): string[] => findPatients(patients, query).map((p) => p.id);
  const accented = patients.find((p) => /[^\x20-\x7e]/.test(p.given));

  it.each([
    ['exact', q({}), ['demo-chronic']],
    ['case-insensitive', q({ given: 'MORGAN', family: 'testwell' }), ['demo-chronic']],
    ['extra whitespace and a middle name', q({ given: ' Morgan  Ann ', family: 'Testwell ' }), ['demo-chronic']],
    ['wrong date of birth', q({ birthDate: '1961-04-10' }), []],
    ['wrong family name', q({ family: 'Testwall' }), []],
    ['wrong sex does not hide a single match', q({ gender: 'male' }), ['demo-chronic']],
    ['a different ZIP does not hide a single match', q({ postalCode: '06511' }), ['demo-chronic']],
    ['the twins without narrowing', q({ given: 'Jordan', family: 'Twinfield', birthDate: '1990-07-14' }), ['dup-twinfield-1', 'dup-twinfield-2']],
    ['the twins with sex', q({ given: 'Jordan', family: 'Twinfield', birthDate: '1990-07-14', gender: 'male' }), ['dup-twinfield-2']],
    ['the twins with ZIP+4', q({ given: 'Jordan', family: 'Twinfield', birthDate: '1990-07-14', postalCode: '06106-1234' }), ['dup-twinfield-1']],
    ['the twins with unknown sex', q({ given: 'Jordan', family: 'Twinfield', birthDate: '1990-07-14', gender: 'unknown' }), ['dup-twinfield-1', 'dup-twinfield-2']],
  ])('%s', (_label, query, expected) => {
    expect(ids(query)).toEqual(expected);
  });

  it('ignores accents', () => {
    expect(accented).toBeDefined();
    if (!accented) return;
    const plain = accented.given.normalize('NFD').replace(/\p{M}/gu, '');
    expect(plain).not.toBe(accented.given);
    expect(ids({ given: plain, family: accented.family.toUpperCase(), birthDate: accented.birthDate })).toEqual([accented.id]);
  });
});
