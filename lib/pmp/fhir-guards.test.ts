// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  Bundle,
  DetectedIssue,
  Medication,
  MedicationDispense,
  MedicationRequest,
  Organization,
  Patient,
  Practitioner,
  PractitionerRole,
  Resource,
} from './fhir';
import {
  hasContained,
  isDetectedIssue,
  isFill,
  isHistoryBundle,
  isMedication,
  isMedicationDispense,
  isMedicationRequest,
  isOrganization,
  isPatient,
  isPractitioner,
  isPractitionerRole,
  isRequestForFill,
  isResource,
} from './fhir-guards';
import { Fill } from './history';

// Every guard must accept exactly what its schema accepts. Each case below is a value with every
// field of the schema filled in; the test then puts a value of every wrong type (and nothing) at
// every place in it, one place at a time, and compares the guard with zod's verdict.

const WRONG: readonly unknown[] = [undefined, null, 0, 1.5, -1, Number.NaN, Number.POSITIVE_INFINITY, '', 'x', '2024-01', true, false, [], {}, [null], ['x'], [1], [{}]];

const coding = { system: 'http://hl7.org/fhir/sid/ndc', code: '1', display: 'd', userSelected: true };
const concept = { coding: [coding], text: 't' };
const identifier = { type: concept, system: 's', value: 'v' };
const reference = { reference: 'Practitioner/1', identifier, display: 'd' };
const quantity = { value: 1, unit: 'u', system: 's', code: 'c' };
const name = { use: 'official', text: 't', family: 'f', given: ['g'], prefix: ['p'], suffix: ['s'] };
const address = { use: 'work', line: ['l'], city: 'c', state: 'CT', postalCode: '06103', country: 'US' };

const medicationRequest = {
  resourceType: 'MedicationRequest',
  id: 'rx',
  identifier: [identifier],
  status: 'completed',
  intent: 'order',
  medicationCodeableConcept: concept,
  subject: reference,
  authoredOn: '2024-01-01',
  requester: reference,
  contained: [{ resourceType: 'Practitioner', id: 'p' }],
  dispenseRequest: { numberOfRepeatsAllowed: 1, quantity, expectedSupplyDuration: quantity },
};

const medicationDispense = {
  resourceType: 'MedicationDispense',
  id: 'md',
  extension: [{ url: 'u', valueInteger: 1 }],
  identifier: [identifier],
  status: 'completed',
  medicationCodeableConcept: concept,
  medicationReference: reference,
  subject: reference,
  performer: [{ actor: reference }],
  authorizingPrescription: [reference],
  quantity,
  daysSupply: quantity,
  whenPrepared: '2024-01-01',
  whenHandedOver: '2024-01-01',
  contained: [{ resourceType: 'MedicationRequest', id: 'rx' }],
};

const fill = {
  id: 'f',
  drug: 'Oxycodone HCl 5 mg tablet',
  ingredient: 'oxycodone',
  strength: '5 mg',
  strengthValue: 5,
  strengthUnit: 'mg',
  quantity: 20,
  quantityUnit: 'tablet',
  daysSupply: 5,
  dispensedOn: '2024-01-01',
  writtenOn: '2024-01-01',
  refillNumber: 0,
  rxNumber: '7',
  ndc: '1',
  rxcui: '2',
  prescriber: { name: 'n', npi: '1', dea: 'd' },
  pharmacy: { name: 'n', npi: '1', city: 'c', state: 'CT' },
  paymentType: 'Medicaid',
};

/** The history Bundle as it was read with zod: entries checked for id and fullUrl, resources later. */
const HistoryBundleSchema = Bundle.extend({
  entry: z.array(z.looseObject({ id: z.string().optional(), fullUrl: z.string().optional(), resource: z.unknown() })).optional(),
});

interface Case {
  name: string;
  guard: (v: unknown) => boolean;
  schema: z.ZodType;
  full: Record<string, unknown>;
}

const CASES: Case[] = [
  { name: 'Resource', guard: isResource, schema: Resource, full: { resourceType: 'Patient', id: 'p' } },
  {
    name: 'Patient',
    guard: isPatient,
    schema: Patient,
    full: { resourceType: 'Patient', id: 'p', identifier: [identifier], name: [name], gender: 'female', birthDate: '1960-01-01', address: [address] },
  },
  { name: 'Practitioner', guard: isPractitioner, schema: Practitioner, full: { resourceType: 'Practitioner', id: 'p', identifier: [identifier], name: [name], address: [address] } },
  {
    name: 'PractitionerRole',
    guard: isPractitionerRole,
    schema: PractitionerRole,
    full: { resourceType: 'PractitionerRole', id: 'r', practitioner: reference, organization: reference, code: [concept], specialty: [concept] },
  },
  { name: 'Organization', guard: isOrganization, schema: Organization, full: { resourceType: 'Organization', id: 'o', identifier: [identifier], name: 'n', address: [address] } },
  { name: 'Medication', guard: isMedication, schema: Medication, full: { resourceType: 'Medication', id: 'm', code: concept } },
  {
    name: 'DetectedIssue',
    guard: isDetectedIssue,
    schema: DetectedIssue,
    full: { resourceType: 'DetectedIssue', id: 'd', status: 'final', code: concept, severity: 'high', detail: 'x', patient: reference },
  },
  { name: 'MedicationRequest', guard: isMedicationRequest, schema: MedicationRequest, full: medicationRequest },
  {
    name: 'MedicationRequest (the parts a fill reads)',
    guard: isRequestForFill,
    schema: MedicationRequest.pick({ resourceType: true, identifier: true, authoredOn: true, requester: true, dispenseRequest: true, contained: true }),
    full: medicationRequest,
  },
  { name: 'MedicationDispense', guard: isMedicationDispense, schema: MedicationDispense, full: medicationDispense },
  {
    name: 'history Bundle',
    guard: isHistoryBundle,
    schema: HistoryBundleSchema,
    full: { resourceType: 'Bundle', id: 'b', type: 'collection', timestamp: '2024-01-01T00:00:00Z', entry: [{ id: 'e', fullUrl: 'urn:x', resource: { resourceType: 'Patient' } }] },
  },
  {
    name: 'contained resources',
    guard: hasContained,
    schema: z.object({ contained: z.array(Resource) }),
    full: { contained: [{ resourceType: 'Practitioner', id: 'p' }] },
  },
  { name: 'Fill', guard: isFill, schema: Fill, full: fill },
];

/** Every key a schema knows (through optional and arrays) that the value lacks, as paths. */
function missingKeys(schema: z.ZodType, value: unknown, path = ''): string[] {
  if (schema instanceof z.ZodOptional) return missingKeys(schema.unwrap() as z.ZodType, value, path);
  if (schema instanceof z.ZodArray) return Array.isArray(value) && value.length > 0 ? missingKeys(schema.element as z.ZodType, value[0], `${path}[0]`) : [`${path}[]`];
  if (schema instanceof z.ZodObject) {
    const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    return Object.entries(schema.shape as Record<string, z.ZodType>).flatMap(([key, inner]) =>
      key in record ? missingKeys(inner, record[key], `${path}.${key}`) : [`${path}.${key}`],
    );
  }
  return [];
}

/** Paths to every value inside `v` (object keys and array items), the root excluded. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(v)) return v.flatMap((x, i) => [[...prefix, i], ...paths(x, [...prefix, i])]);
  if (typeof v === 'object' && v !== null) return Object.entries(v).flatMap(([k, x]) => [[...prefix, k], ...paths(x, [...prefix, k])]);
  return [];
}

/** A deep copy of `v` with the value at `path` replaced, or the key deleted when `replacement` is the DELETE marker. */
const DELETE = Symbol('delete');
function replaced(v: unknown, path: readonly (string | number)[], replacement: unknown): unknown {
  const copy = structuredClone(v) as Record<string | number, unknown>;
  let at = copy;
  for (const step of path.slice(0, -1)) at = at[step] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (last === undefined) return replacement;
  if (replacement === DELETE) {
    if (Array.isArray(at) && typeof last === 'number') at.splice(last, 1);
    else Reflect.deleteProperty(at, last);
  } else {
    at[last] = replacement;
  }
  return copy;
}

describe('fhir-guards: each guard accepts exactly what its zod schema accepts', () => {
  it.each(CASES)('$name: the full example fills in every field the schema knows', ({ schema, full }) => {
    expect(missingKeys(schema, full)).toEqual([]);
  });

  it.each(CASES)('$name: the same verdict as zod for every wrong value at every place', ({ guard, schema, full }) => {
    expect(guard(full)).toBe(true);
    expect(schema.safeParse(full).success).toBe(true);
    const variants: unknown[] = [...WRONG, 'resourceType'];
    for (const path of paths(full)) {
      variants.push(replaced(full, path, DELETE));
      for (const wrong of WRONG) variants.push(replaced(full, path, wrong));
    }
    let rejected = 0;
    const disagreements: string[] = [];
    for (const v of variants) {
      const expected = schema.safeParse(v).success;
      if (!expected) rejected += 1;
      if (guard(v) !== expected) disagreements.push(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x)));
    }
    expect(disagreements).toEqual([]);
    // Both verdicts occur: the comparison above is not between two functions that always agree.
    expect(rejected).toBeGreaterThan(10);
    expect(variants.length - rejected).toBeGreaterThan(5);
  });

  it('checks the value in place: the guard narrows, it does not copy', () => {
    const md: unknown = structuredClone(medicationDispense);
    expect(isMedicationDispense(md) && md.quantity?.value).toBe(1);
  });

  it('keeps the Bundle rule zod had: an entry without a resource key makes the Bundle unreadable', () => {
    const bundle = { resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'urn:x' }] };
    expect(isHistoryBundle(bundle)).toBe(false);
    expect(isHistoryBundle({ ...bundle, entry: [{ fullUrl: 'urn:x', resource: null }] })).toBe(true);
  });
});
