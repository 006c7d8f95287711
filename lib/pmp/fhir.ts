/**
 * HL7 FHIR US PDMP IG STU1 (1.0.0) `$pdmp-history`: the wire schemas, the request we send and
 * the conversion of the answer into the app's PmpHistory.
 *
 * Schemas are deliberately loose (unknown fields pass through, most fields optional): PMPs
 * differ in what they fill in, and a missing optional element must not hide a patient's history.
 * What the app relies on is checked again on the converted Fill. The history's resources are
 * checked in place by fhir-guards.ts, which accepts exactly what these schemas accept (tested)
 * without copying hundreds of resources.
 */
import { z } from 'zod';
import { PmpError } from './errors';
import {
  hasContained,
  isCoding,
  isDetectedIssue,
  isFill,
  isHistoryBundle,
  isMedication,
  isMedicationDispense,
  isOrganization,
  isPatient,
  isPractitioner,
  isPractitionerRole,
  isRequestForFill,
  isResource,
  type HistoryBundle,
  type RequestForFill,
} from './fhir-guards';
import { Fill, PatientQuery, PmpHistory, Requester } from './history';
import type { PmpPatient } from './history';

// ---------------------------------------------------------------------------------------------
// Systems and URLs
// ---------------------------------------------------------------------------------------------

export const SYSTEM = {
  npi: 'http://hl7.org/fhir/sid/us-npi',
  dea: 'http://terminology.hl7.org/NamingSystem/usdeanumber',
  ncpdp: 'http://terminology.hl7.org/CodeSystem/NCPDPProviderIdentificationNumber',
  ndc: 'http://hl7.org/fhir/sid/ndc',
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  v2IdentifierType: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  pmixStatus: 'http://terminology.hl7.org/CodeSystem/PMIXStatusCode',
  pmixPayment: 'http://terminology.hl7.org/CodeSystem/PMIXMethodofPayment',
  pmixAlert: 'http://terminology.hl7.org/CodeSystem/PMIXPatientAlertCatCode',
} as const;

const IG = 'http://hl7.org/fhir/us/pdmp/StructureDefinition/';
export const EXTENSION = {
  rxFillNumber: `${IG}pdmp-extension-rx-fill-number`,
  methodOfPayment: `${IG}pdmp-extension-method-of-payment`,
  headerTimestamp: `${IG}pdmp-header-timestamp-extension`,
  activityPeriod: `${IG}pdmp-activity-period-extension`,
} as const;

// ---------------------------------------------------------------------------------------------
// Data types
// ---------------------------------------------------------------------------------------------

export const Coding = z.looseObject({
  system: z.string().optional(),
  code: z.string().optional(),
  display: z.string().optional(),
  userSelected: z.boolean().optional(),
});
export type Coding = z.infer<typeof Coding>;

export const CodeableConcept = z.looseObject({ coding: z.array(Coding).optional(), text: z.string().optional() });
export type CodeableConcept = z.infer<typeof CodeableConcept>;

export const Identifier = z.looseObject({
  type: CodeableConcept.optional(),
  system: z.string().optional(),
  value: z.string().optional(),
});
export type Identifier = z.infer<typeof Identifier>;

export const Reference = z.looseObject({
  reference: z.string().optional(),
  identifier: Identifier.optional(),
  display: z.string().optional(),
});
export type Reference = z.infer<typeof Reference>;

/** An extension; its value[x] passes through untyped and is read by helpers below. */
export const Extension = z.looseObject({ url: z.string() });
export type Extension = z.infer<typeof Extension>;

export const HumanName = z.looseObject({
  use: z.string().optional(),
  text: z.string().optional(),
  family: z.string().optional(),
  given: z.array(z.string()).optional(),
  prefix: z.array(z.string()).optional(),
  suffix: z.array(z.string()).optional(),
});
export type HumanName = z.infer<typeof HumanName>;

export const Address = z.looseObject({
  use: z.string().optional(),
  line: z.array(z.string()).optional(),
  city: z.string().optional(),
  state: z.string().optional(),
  postalCode: z.string().optional(),
  country: z.string().optional(),
});
export type Address = z.infer<typeof Address>;

export const Quantity = z.looseObject({
  value: z.number().optional(),
  unit: z.string().optional(),
  system: z.string().optional(),
  code: z.string().optional(),
});
export type Quantity = z.infer<typeof Quantity>;

/** Any resource: only what every resource has is checked. */
export const Resource = z.looseObject({ resourceType: z.string(), id: z.string().optional() });
export type Resource = z.infer<typeof Resource>;

// ---------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------

export const Patient = z.looseObject({
  resourceType: z.literal('Patient'),
  id: z.string().optional(),
  identifier: z.array(Identifier).optional(),
  name: z.array(HumanName).optional(),
  gender: z.string().optional(),
  birthDate: z.string().optional(),
  address: z.array(Address).optional(),
});
export type Patient = z.infer<typeof Patient>;

export const Practitioner = z.looseObject({
  resourceType: z.literal('Practitioner'),
  id: z.string().optional(),
  identifier: z.array(Identifier).optional(),
  name: z.array(HumanName).optional(),
  address: z.array(Address).optional(),
});
export type Practitioner = z.infer<typeof Practitioner>;

export const PractitionerRole = z.looseObject({
  resourceType: z.literal('PractitionerRole'),
  id: z.string().optional(),
  practitioner: Reference.optional(),
  organization: Reference.optional(),
  code: z.array(CodeableConcept).optional(),
  specialty: z.array(CodeableConcept).optional(),
});
export type PractitionerRole = z.infer<typeof PractitionerRole>;

export const Organization = z.looseObject({
  resourceType: z.literal('Organization'),
  id: z.string().optional(),
  identifier: z.array(Identifier).optional(),
  name: z.string().optional(),
  address: z.array(Address).optional(),
});
export type Organization = z.infer<typeof Organization>;

export const MedicationRequest = z.looseObject({
  resourceType: z.literal('MedicationRequest'),
  id: z.string().optional(),
  identifier: z.array(Identifier).optional(),
  status: z.string().optional(),
  intent: z.string().optional(),
  medicationCodeableConcept: CodeableConcept.optional(),
  subject: Reference.optional(),
  authoredOn: z.string().optional(),
  requester: Reference.optional(),
  contained: z.array(Resource).optional(),
  dispenseRequest: z
    .looseObject({
      numberOfRepeatsAllowed: z.number().optional(),
      quantity: Quantity.optional(),
      expectedSupplyDuration: Quantity.optional(),
    })
    .optional(),
});
export type MedicationRequest = z.infer<typeof MedicationRequest>;

export const MedicationDispense = z.looseObject({
  resourceType: z.literal('MedicationDispense'),
  id: z.string().optional(),
  extension: z.array(Extension).optional(),
  identifier: z.array(Identifier).optional(),
  status: z.string().optional(),
  medicationCodeableConcept: CodeableConcept.optional(),
  medicationReference: Reference.optional(),
  subject: Reference.optional(),
  performer: z.array(z.looseObject({ actor: Reference.optional() })).optional(),
  authorizingPrescription: z.array(Reference).optional(),
  quantity: Quantity.optional(),
  daysSupply: Quantity.optional(),
  whenPrepared: z.string().optional(),
  whenHandedOver: z.string().optional(),
  contained: z.array(Resource).optional(),
});
export type MedicationDispense = z.infer<typeof MedicationDispense>;

export const Medication = z.looseObject({
  resourceType: z.literal('Medication'),
  id: z.string().optional(),
  code: CodeableConcept.optional(),
});
export type Medication = z.infer<typeof Medication>;

export const DetectedIssue = z.looseObject({
  resourceType: z.literal('DetectedIssue'),
  id: z.string().optional(),
  status: z.string().optional(),
  code: CodeableConcept.optional(),
  severity: z.string().optional(),
  detail: z.string().optional(),
  patient: Reference.optional(),
});
export type DetectedIssue = z.infer<typeof DetectedIssue>;

export const OperationOutcomeIssue = z.looseObject({
  severity: z.string(),
  code: z.string(),
  details: CodeableConcept.optional(),
  diagnostics: z.string().optional(),
});
export type OperationOutcomeIssue = z.infer<typeof OperationOutcomeIssue>;

export const OperationOutcome = z.looseObject({
  resourceType: z.literal('OperationOutcome'),
  id: z.string().optional(),
  issue: z.array(OperationOutcomeIssue),
});
export type OperationOutcome = z.infer<typeof OperationOutcome>;

export const BundleEntry = z.looseObject({
  id: z.string().optional(),
  fullUrl: z.string().optional(),
  resource: Resource.optional(),
});
export type BundleEntry = z.infer<typeof BundleEntry>;

export const Bundle = z.looseObject({
  resourceType: z.literal('Bundle'),
  id: z.string().optional(),
  type: z.string(),
  timestamp: z.string().optional(),
  entry: z.array(BundleEntry).optional(),
});
export type Bundle = z.infer<typeof Bundle>;

export const ParametersParameter = z.looseObject({
  name: z.string(),
  resource: Resource.optional(),
  valueString: z.string().optional(),
  valueUrl: z.string().optional(),
  valueUri: z.string().optional(),
  valueBoolean: z.boolean().optional(),
  extension: z.array(Extension).optional(),
  part: z.array(z.unknown()).optional(),
});
export type ParametersParameter = z.infer<typeof ParametersParameter>;

export const Parameters = z.looseObject({
  resourceType: z.literal('Parameters'),
  id: z.string().optional(),
  parameter: z.array(ParametersParameter).optional(),
});
export type Parameters = z.infer<typeof Parameters>;

// ---------------------------------------------------------------------------------------------
// Small readers
// ---------------------------------------------------------------------------------------------

function identifierValue(ids: Identifier[] | undefined, match: (system: string) => boolean): string | undefined {
  return ids?.find((i) => i.system !== undefined && match(i.system.toLowerCase()))?.value;
}

const isNpi = (s: string): boolean => s === SYSTEM.npi || s.endsWith('us-npi');
const isDea = (s: string): boolean => s.includes('usdeanumber') || s.endsWith('/dea');

function hasIdentifierType(id: Identifier, code: string): boolean {
  return id.type?.coding?.some((c) => c.code === code) ?? false;
}

/** Formats a FHIR HumanName the way a clinician reads it: 'Marie Fiorella, MD'. */
export function formatHumanName(name: HumanName | undefined): string | undefined {
  if (!name) return undefined;
  if (name.text?.trim()) return name.text.trim();
  const main = [...(name.prefix ?? []), ...(name.given ?? []), name.family ?? '']
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .join(' ');
  if (main === '') return undefined;
  const suffix = (name.suffix ?? []).join(' ').trim();
  return suffix === '' ? main : `${main}, ${suffix}`;
}

function extensionValue(exts: Extension[] | undefined, url: string): unknown {
  const ext = exts?.find((e) => e.url === url);
  if (!ext) return undefined;
  // The first value[x] key, as Object.keys would list it (without building the list per fill).
  for (const key in ext) if (Object.hasOwn(ext, key) && key.startsWith('value')) return ext[key];
  return undefined;
}

function extensionNumber(exts: Extension[] | undefined, url: string): number | undefined {
  const v = extensionValue(exts, url);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function extensionCodingText(exts: Extension[] | undefined, url: string): string | undefined {
  const value = extensionValue(exts, url);
  if (!isCoding(value)) return undefined;
  return value.display ?? value.code;
}

/** First ten characters of a FHIR date/dateTime when they form a full date. */
function toIsoDate(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const day = value.slice(0, 10);
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : undefined;
}

// ---------------------------------------------------------------------------------------------
// Drug text: ingredient and strength
// ---------------------------------------------------------------------------------------------

// Companions in combination products; the clinically relevant (controlled) ingredient is the other.
const ADJUNCTS = new Set([
  'acetaminophen', 'apap', 'ibuprofen', 'aspirin', 'naloxone', 'guaifenesin', 'promethazine',
  'homatropine', 'chlorpheniramine', 'brompheniramine', 'pseudoephedrine', 'phenylephrine',
  'pyrilamine', 'caffeine', 'atropine',
]);

// Salt and release words say nothing about which molecule it is: strip them from the ingredient.
const NOISE_WORDS = new Set([
  'hcl', 'hydrochloride', 'bitartrate', 'sulfate', 'phosphate', 'citrate', 'tartrate', 'maleate',
  'mesylate', 'besylate', 'sodium', 'sod', 'potassium', 'acetate', 'hbr', 'hydrobromide', 'succinate',
  'fumarate', 'napsylate', 'polistirex', 'dimesylate', 'er', 'xr', 'sr', 'cr', 'ir', 'la', 'dr',
  'odt', 'extended', 'release', 'immediate', 'delayed', 'hr',
]);

const STRENGTH_RE =
  /(\d+(?:\.\d+)?)\s*(mcg|mg|g|meq|units?|unt|%)(?![a-z])(?:\s*(?:\/|per)\s*(\d+(?:\.\d+)?)?\s*(ml|hr|h)\b)?/i;

const UNIT_NAMES: Record<string, string> = { mcg: 'mcg', mg: 'mg', g: 'g', meq: 'mEq', unit: 'unit', units: 'unit', unt: 'unit', '%': '%' };

export interface DrugStrength {
  ingredient?: string;
  strength?: string;
  strengthValue?: number;
  strengthUnit?: string;
}

interface Component {
  name: string;
  value: number;
  unit: string;
  perAmount?: number;
  perUnit?: string;
}

function round(n: number): number {
  return Math.round(n * 10000) / 10000;
}

function cleanIngredient(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/^\d+\s*hr\s+/, '')
    .split(/\s+/)
    .filter((w) => w !== '' && !NOISE_WORDS.has(w))
    .join(' ')
    .trim();
}

function parseComponent(text: string): Component | undefined {
  const m = STRENGTH_RE.exec(text);
  if (!m) return undefined;
  const [, value, unit, perAmount, perUnit] = m;
  if (value === undefined || unit === undefined) return undefined;
  const name = cleanIngredient(text.slice(0, m.index));
  const c: Component = { name, value: Number(value), unit: UNIT_NAMES[unit.toLowerCase()] ?? unit.toLowerCase() };
  if (perUnit !== undefined) {
    c.perUnit = perUnit.toLowerCase() === 'ml' ? 'mL' : 'hr';
    c.perAmount = perAmount === undefined ? 1 : Number(perAmount);
  }
  return c;
}

/**
 * Reads ingredient and strength from drug text ('Oxycodone HCl 5 mg / acetaminophen 325 mg
 * tablet', RxNorm 'fentanyl 0.025 MG/HR Transdermal System', SCRIPT 'METHADONE HCL 10 MG TABLET').
 * Liquids come out per mL and fentanyl per hour in mcg, the units MME factors are written for.
 */
export function parseDrugText(text: string): DrugStrength {
  const pieces = text.split(/\s+\/\s+/);
  if (pieces.length === 1) {
    // SCRIPT/EHR style 'HYDROCODONE-ACETAMINOPHEN 5-325 MG': names and strengths paired by position.
    const names = (/^[^\d]*/.exec(text)?.[0] ?? '').split(/\s*[-/]\s*/).map(cleanIngredient).filter((n) => n !== '');
    if (names.length > 1) {
      const combo = parseCombo(text, names);
      if (combo) return normalizeStrength(combo);
      // Never guess which number belongs to the opioid of a combination product.
      if (names.some(isAdjunct)) return {};
    }
  }
  const components = pieces.map(parseComponent).filter((c): c is Component => c !== undefined);
  if (components.length === 0) return {};
  // 'X 7.5 mg / acetaminophen 325 mg per 15 mL': the volume written once applies to every part.
  const shared = components.find((c) => c.perUnit === 'mL');
  const chosen = components.find((c) => c.name !== '' && !isAdjunct(c.name)) ?? components[0];
  if (!chosen) return {};
  if (chosen.perUnit === undefined && shared) return normalizeStrength({ ...chosen, perUnit: shared.perUnit, perAmount: shared.perAmount });
  return normalizeStrength(chosen);
}

function isAdjunct(name: string): boolean {
  return ADJUNCTS.has(name.split(/[\s-]/)[0] ?? '');
}

const NUMBER_UNIT = /^\s*(\d+(?:\.\d+)?)\s*(mcg|mg|g|meq|units?|unt|%)?(?![a-z])/i;
const PER_VOLUME = /^\s*(?:\/|per)\s*(\d+(?:\.\d+)?)?\s*(ml|hr|h)\b/i;

/** 'a-b 5-325 MG/15 ML': one number per name, separated by '-' or '/', the unit given once or each time. */
function parseCombo(text: string, names: string[]): Component | undefined {
  let rest = text.replace(/^[^\d]*/, '');
  const values: { value: number; unit?: string }[] = [];
  for (let k = 0; k < names.length; k++) {
    const m = NUMBER_UNIT.exec(rest);
    if (!m?.[1]) return undefined;
    values.push(m[2] ? { value: Number(m[1]), unit: m[2] } : { value: Number(m[1]) });
    rest = rest.slice(m[0].length);
    if (k < names.length - 1) {
      const sep = /^\s*[-/]\s*/.exec(rest);
      if (!sep) return undefined;
      rest = rest.slice(sep[0].length);
    }
  }
  const sharedUnit = values.map((v) => v.unit).filter((u): u is string => u !== undefined).pop();
  const index = Math.max(0, names.findIndex((n) => !isAdjunct(n)));
  const picked = values[index];
  const unit = picked?.unit ?? sharedUnit;
  if (!picked || unit === undefined) return undefined;
  const c: Component = { name: names[index] ?? '', value: picked.value, unit: UNIT_NAMES[unit.toLowerCase()] ?? unit.toLowerCase() };
  const per = PER_VOLUME.exec(rest);
  if (per?.[2]) {
    c.perUnit = per[2].toLowerCase() === 'ml' ? 'mL' : 'hr';
    c.perAmount = per[1] === undefined ? 1 : Number(per[1]);
  }
  return c;
}

/** Liquids per mL, fentanyl-style rates in mcg per hour: the units MME factors are written for. */
function normalizeStrength(c: Component): DrugStrength {
  let value = c.value;
  let unit = c.unit;
  if (c.perUnit === 'mL') {
    value = round(value / (c.perAmount ?? 1));
    unit = `${unit}/mL`;
  } else if (c.perUnit === 'hr') {
    if (unit === 'mg') {
      value = round(value * 1000);
      unit = 'mcg';
    }
    unit = `${unit}/hr`;
  }
  const result: DrugStrength = { strength: `${value} ${unit}`, strengthValue: value, strengthUnit: unit };
  if (c.name !== '') result.ingredient = c.name;
  return result;
}

// ---------------------------------------------------------------------------------------------
// Request
// ---------------------------------------------------------------------------------------------

/** Splits 'Dr. Jordan Q. Stubfield, MD' into a FHIR HumanName, keeping the text as typed. */
export function toHumanName(full: string): HumanName {
  const text = full.trim();
  const [main = '', ...rest] = text.split(',');
  const suffix = rest.map((s) => s.trim()).filter((s) => s !== '');
  const tokens = main.trim().split(/\s+/).filter((t) => t !== '');
  const prefix = tokens[0] !== undefined && /^dr\.?$/i.test(tokens[0]) ? [tokens.shift() ?? ''] : [];
  const family = tokens.pop();
  const name: HumanName = { text };
  if (family !== undefined) name.family = family;
  if (tokens.length > 0) name.given = tokens;
  if (prefix.length > 0) name.prefix = prefix;
  if (suffix.length > 0) name.suffix = suffix;
  return name;
}

function practitionerResource(id: string, name: string, npi?: string, dea?: string): Practitioner {
  const identifier: Identifier[] = [];
  if (npi) identifier.push({ system: SYSTEM.npi, value: npi });
  if (dea) identifier.push({ system: SYSTEM.dea, value: dea });
  const p: Practitioner = { resourceType: 'Practitioner', id, name: [toHumanName(name)] };
  if (identifier.length > 0) p.identifier = identifier;
  return p;
}

/**
 * Builds the `$pdmp-history` input (IG examples input-parameters-1 and -4): the prescriber is
 * always the authorized practitioner; a delegate is sent in addition, never instead.
 */
export function buildHistoryRequest(patient: PatientQuery, requester: Requester): Parameters {
  const q = PatientQuery.parse(patient);
  const who = Requester.parse(requester);
  const pat: Patient = {
    resourceType: 'Patient',
    id: 'patient-req',
    name: [{ family: q.family, given: [q.given] }],
    birthDate: q.birthDate,
  };
  // US Core wants an identifier; the MRN is the only one we hold. No SSN is ever sent.
  if (q.mrn) {
    pat.identifier = [
      { type: { coding: [{ system: SYSTEM.v2IdentifierType, code: 'MR', display: 'Medical record number' }] }, value: q.mrn },
    ];
  }
  if (q.gender) pat.gender = q.gender;
  if (q.postalCode) pat.address = [{ postalCode: q.postalCode }];

  const parameter: ParametersParameter[] = [
    { name: 'patient', resource: pat },
    {
      name: 'authorized-practitioner',
      resource: practitionerResource('practitioner-req', who.prescriber.name, who.prescriber.npi, who.prescriber.dea),
    },
  ];
  if (who.organization) {
    const role: PractitionerRole = {
      resourceType: 'PractitionerRole',
      id: 'practitionerrole-req',
      practitioner: { reference: 'Practitioner/practitioner-req', display: who.prescriber.name },
      organization: { reference: 'Organization/organization-req', display: who.organization },
    };
    const org: Organization = { resourceType: 'Organization', id: 'organization-req', name: who.organization };
    parameter.push({ name: 'authorized-practitioner-role', resource: role });
    parameter.push({ name: 'authorized-practitioner-organization', resource: org });
  }
  if (who.delegate) {
    parameter.push({ name: 'delegate-practitioner', resource: practitionerResource('practitioner-req-del', who.delegate.name) });
    const role: PractitionerRole = {
      resourceType: 'PractitionerRole',
      id: 'practitionerrole-req-del',
      practitioner: { reference: 'Practitioner/practitioner-req-del', display: who.delegate.name },
    };
    if (who.delegate.role) role.code = [{ text: who.delegate.role }];
    if (who.organization) {
      role.organization = { reference: 'Organization/organization-req-del', display: who.organization };
      parameter.push({ name: 'delegate-practitioner-role', resource: role });
      parameter.push({
        name: 'delegate-organization',
        resource: { resourceType: 'Organization', id: 'organization-req-del', name: who.organization },
      });
    } else {
      parameter.push({ name: 'delegate-practitioner-role', resource: role });
    }
  }
  parameter.push({ name: 'pre-stage-only', valueBoolean: false });
  return { resourceType: 'Parameters', parameter };
}

/** Finds the Parameters in a bare Parameters or in a FHIR messaging Bundle (IG messaging variant). */
function unwrapParameters(json: unknown): Parameters | undefined {
  const direct = Parameters.safeParse(json);
  if (direct.success) return direct.data;
  const bundle = Bundle.safeParse(json);
  if (!bundle.success || bundle.data.type !== 'message') return undefined;
  for (const entry of bundle.data.entry ?? []) {
    const p = Parameters.safeParse(entry.resource);
    if (p.success) return p.data;
  }
  return undefined;
}

function param(params: Parameters, name: string): ParametersParameter | undefined {
  return params.parameter?.find((p) => p.name === name);
}

const GENDERS = ['male', 'female', 'other', 'unknown'] as const;
type Gender = (typeof GENDERS)[number];
const isGender = (g: string | undefined): g is Gender => GENDERS.some((x) => x === g);

/**
 * Reads a `$pdmp-history` input (what the local PMP server receives). Throws PmpError
 * 'bad-request' naming the missing fields, never their values.
 */
export function parseHistoryRequest(json: unknown): { patient: PatientQuery; requester: Requester } {
  const params = unwrapParameters(json);
  if (!params) throw new PmpError('bad-request', { detail: 'body is not a Parameters resource' });
  const pat = Patient.safeParse(param(params, 'patient')?.resource);
  if (!pat.success) throw new PmpError('bad-request', { detail: 'parameter "patient" (Patient) is required' });
  const name = pat.data.name?.[0];
  const candidate = {
    given: name?.given?.[0] ?? '',
    family: name?.family ?? '',
    birthDate: pat.data.birthDate ?? '',
    gender: isGender(pat.data.gender) ? pat.data.gender : undefined,
    postalCode: pat.data.address?.find((a) => a.postalCode)?.postalCode,
    mrn: pat.data.identifier?.find((i) => hasIdentifierType(i, 'MR'))?.value,
  };
  const query = PatientQuery.safeParse(candidate);
  if (!query.success) {
    const fields = [...new Set(query.error.issues.map((i) => i.path.join('.')))].join(', ');
    throw new PmpError('bad-request', { detail: `patient is missing or has invalid: ${fields}` });
  }

  const prac = Practitioner.safeParse(param(params, 'authorized-practitioner')?.resource);
  const pracName = prac.success ? formatHumanName(prac.data.name?.[0]) : undefined;
  if (!prac.success || pracName === undefined) {
    throw new PmpError('bad-request', { detail: 'parameter "authorized-practitioner" (Practitioner with a name) is required' });
  }
  const requester: Requester = { prescriber: { name: pracName } };
  const npi = identifierValue(prac.data.identifier, isNpi);
  const dea = identifierValue(prac.data.identifier, isDea);
  if (npi) requester.prescriber.npi = npi;
  if (dea) requester.prescriber.dea = dea;
  const org = Organization.safeParse(param(params, 'authorized-practitioner-organization')?.resource);
  if (org.success && org.data.name) requester.organization = org.data.name;

  const del = Practitioner.safeParse(param(params, 'delegate-practitioner')?.resource);
  const delName = del.success ? formatHumanName(del.data.name?.[0]) : undefined;
  if (delName !== undefined) {
    const role = PractitionerRole.safeParse(param(params, 'delegate-practitioner-role')?.resource);
    const concept = role.success ? (role.data.code?.[0] ?? role.data.specialty?.[0]) : undefined;
    const roleText = concept?.text ?? concept?.coding?.[0]?.display;
    requester.delegate = roleText === undefined ? { name: delName } : { name: delName, role: roleText };
  }
  return { patient: query.data, requester };
}

// ---------------------------------------------------------------------------------------------
// Response
// ---------------------------------------------------------------------------------------------

/** Resolves references inside one response: by fullUrl, Type/id, or '#id' for contained. */
class ResourceIndex {
  private readonly byKey = new Map<string, Resource>();
  /**
   * Whether a resource passed its type's check: a PMP names the same prescriber and pharmacy on
   * many fills. (Maps, not WeakMaps: the index lives for one answer, and Map is the faster.)
   */
  private readonly valid = new Map<object, boolean>();

  /** The resource when it is a valid `type` (see fhir-guards.ts), else undefined. */
  as<T extends { resourceType: string }>(type: T['resourceType'], guard: (v: unknown) => v is T, resource: Resource | undefined): T | undefined {
    if (resource?.resourceType !== type) return undefined;
    let ok = this.valid.get(resource);
    if (ok === undefined) {
      ok = guard(resource);
      this.valid.set(resource, ok);
    }
    return ok ? (resource as T) : undefined;
  }

  private readonly ids = new Map<object, { npi: string | undefined; dea: string | undefined }>();
  private readonly names = new Map<object, string | undefined>();

  /** A resource's NPI and DEA number, read once per resource (many fills name the same prescriber and pharmacy). */
  identifiers(r: { identifier?: Identifier[] | undefined }): { npi: string | undefined; dea: string | undefined } {
    let found = this.ids.get(r);
    if (!found) {
      found = { npi: identifierValue(r.identifier, isNpi), dea: identifierValue(r.identifier, isDea) };
      this.ids.set(r, found);
    }
    return found;
  }

  /** A practitioner's name as a clinician reads it, made once per resource. */
  practitionerName(prac: Practitioner): string | undefined {
    if (this.names.has(prac)) return this.names.get(prac);
    const name = formatHumanName(prac.name?.[0]);
    this.names.set(prac, name);
    return name;
  }

  add(resource: Resource, fullUrl?: string): void {
    if (fullUrl) this.byKey.set(fullUrl, resource);
    if (resource.id) this.byKey.set(`${resource.resourceType}/${resource.id}`, resource);
  }

  /**
   * `containers`: the resource holding the reference, then its own container. '#id' points into
   * their `contained` (a contained resource refers to its siblings through the outer resource).
   */
  resolve(ref: Reference | undefined, ...containers: object[]): Resource | undefined {
    const target = ref?.reference;
    if (!target) return undefined;
    if (target.startsWith('#')) {
      const id = target.slice(1);
      for (const container of containers) {
        const found = hasContained(container) ? container.contained.find((r) => r.id === id) : undefined;
        if (found) return found;
      }
      return undefined;
    }
    const direct = this.byKey.get(target);
    if (direct) return direct;
    // An absolute URL whose tail is Type/id refers to the same resource.
    const tail = target.split('/').slice(-2).join('/');
    return this.byKey.get(tail);
  }
}

const NOT_DISPENSED = new Set(['entered-in-error', 'cancelled', 'declined', 'stopped']);

interface Counters {
  unreadable: number;
}

function conceptDisplay(c: CodeableConcept | undefined): string | undefined {
  return c?.text ?? c?.coding?.find((x) => x.display)?.display;
}

function codingCode(c: CodeableConcept | undefined, system: string): string | undefined {
  return c?.coding?.find((x) => x.system === system)?.code;
}

function prescriberOf(md: MedicationDispense, index: ResourceIndex): { prescriber: Fill['prescriber']; request?: RequestForFill } {
  for (const ref of md.authorizingPrescription ?? []) {
    const req = index.as('MedicationRequest', isRequestForFill, index.resolve(ref, md));
    if (!req) continue;
    let target = index.resolve(req.requester, req, md);
    const role = index.as('PractitionerRole', isPractitionerRole, target);
    if (role) target = index.resolve(role.practitioner, role, md);
    const prac = index.as('Practitioner', isPractitioner, target);
    const ids = prac ? index.identifiers(prac) : undefined;
    const name = (prac ? index.practitionerName(prac) : undefined) ?? req.requester?.display;
    const prescriber: Fill['prescriber'] = { name: name ?? 'Prescriber not reported' };
    const npi = ids?.npi ?? (req.requester?.identifier?.system === SYSTEM.npi ? req.requester.identifier.value : undefined);
    const dea = ids?.dea;
    if (npi) prescriber.npi = npi;
    if (dea) prescriber.dea = dea;
    return { prescriber, request: req };
  }
  return { prescriber: { name: 'Prescriber not reported' } };
}

function pharmacyOf(md: MedicationDispense, index: ResourceIndex): Fill['pharmacy'] {
  for (const performer of md.performer ?? []) {
    const org = index.as('Organization', isOrganization, index.resolve(performer.actor, md));
    if (org) {
      const pharmacy: Fill['pharmacy'] = { name: org.name ?? performer.actor?.display ?? 'Pharmacy not reported' };
      const { npi } = index.identifiers(org);
      const address = org.address?.[0];
      if (npi) pharmacy.npi = npi;
      if (address?.city) pharmacy.city = address.city;
      if (address?.state) pharmacy.state = address.state;
      return pharmacy;
    }
    if (performer.actor?.display) {
      const pharmacy: Fill['pharmacy'] = { name: performer.actor.display };
      if (performer.actor.identifier?.system === SYSTEM.npi && performer.actor.identifier.value) {
        pharmacy.npi = performer.actor.identifier.value;
      }
      return pharmacy;
    }
  }
  return { name: 'Pharmacy not reported' };
}

// The pharmacy's prescription number is a filler ('FILL') identifier; 'PLAC' is the prescriber's order.
function isRxNumber(i: Identifier): boolean {
  return hasIdentifierType(i, 'FILL') || (i.system ?? '').toLowerCase().includes('prescriptionnumber');
}

function rxNumberOf(md: MedicationDispense, request: RequestForFill | undefined): string | undefined {
  // The dispense's own references first, then the prescription's identifiers (loops: once per fill).
  for (const r of md.authorizingPrescription ?? []) if (r.identifier && isRxNumber(r.identifier)) return r.identifier.value;
  for (const i of request?.identifier ?? []) if (isRxNumber(i)) return i.value;
  return undefined;
}

function medicationConcept(md: MedicationDispense, index: ResourceIndex): CodeableConcept | undefined {
  if (md.medicationCodeableConcept) return md.medicationCodeableConcept;
  const med = index.as('Medication', isMedication, index.resolve(md.medicationReference, md));
  if (med?.code) return med.code;
  const display = md.medicationReference?.display;
  return display === undefined ? undefined : { text: display };
}

function dispenseToFill(md: MedicationDispense, index: ResourceIndex, fallbackId: string, counters: Counters): Fill | undefined {
  const concept = medicationConcept(md, index);
  const drug = conceptDisplay(concept);
  const dispensedOn = toIsoDate(md.whenHandedOver) ?? toIsoDate(md.whenPrepared);
  const { prescriber, request } = prescriberOf(md, index);
  const daysSupply = md.daysSupply?.value ?? request?.dispenseRequest?.expectedSupplyDuration?.value;
  const quantity = md.quantity?.value;
  if (drug === undefined || dispensedOn === undefined || daysSupply === undefined || quantity === undefined) {
    counters.unreadable += 1;
    return undefined;
  }
  const rxnormDisplay = concept?.coding?.find((c) => c.system === SYSTEM.rxnorm)?.display;
  const strength = drugStrength(rxnormDisplay ?? drug);
  // Keys in the order of the Fill schema, as a parsed Fill has them (JSON output stays the same).
  const fill = { id: md.id ?? fallbackId, drug } as Fill;
  if (strength.ingredient !== undefined) fill.ingredient = strength.ingredient;
  if (strength.strength !== undefined) fill.strength = strength.strength;
  if (strength.strengthValue !== undefined) fill.strengthValue = strength.strengthValue;
  if (strength.strengthUnit !== undefined) fill.strengthUnit = strength.strengthUnit;
  fill.quantity = quantity;
  if (md.quantity?.unit) fill.quantityUnit = md.quantity.unit;
  fill.daysSupply = daysSupply;
  fill.dispensedOn = dispensedOn;
  const writtenOn = toIsoDate(request?.authoredOn);
  if (writtenOn) fill.writtenOn = writtenOn;
  const refill = extensionNumber(md.extension, EXTENSION.rxFillNumber);
  if (refill !== undefined) fill.refillNumber = refill;
  const rxNumber = rxNumberOf(md, request);
  if (rxNumber) fill.rxNumber = rxNumber;
  const ndc = codingCode(concept, SYSTEM.ndc);
  if (ndc) fill.ndc = ndc;
  const rxcui = codingCode(concept, SYSTEM.rxnorm);
  if (rxcui) fill.rxcui = rxcui;
  fill.prescriber = prescriber;
  fill.pharmacy = pharmacyOf(md, index);
  const payment = extensionCodingText(md.extension, EXTENSION.methodOfPayment);
  if (payment) fill.paymentType = payment;
  // What the Fill schema would reject (a strength of '5 mg / 0 mL' is Infinity mg/mL) is unreadable.
  if (!isFill(fill)) {
    counters.unreadable += 1;
    return undefined;
  }
  return fill;
}

const HistoryWithoutFills = PmpHistory.omit({ fills: true });

// A history repeats a handful of drug names hundreds of times; parseDrugText is pure.
const strengthCache = new Map<string, DrugStrength>();

function drugStrength(text: string): Readonly<DrugStrength> {
  let hit = strengthCache.get(text);
  if (!hit) {
    if (strengthCache.size >= 2000) strengthCache.clear();
    hit = parseDrugText(text);
    strengthCache.set(text, hit);
  }
  return hit;
}

function patientOf(p: Patient): PmpPatient | undefined {
  const name = p.name?.find((n) => n.use === 'official') ?? p.name?.[0];
  const given = (name?.given ?? []).join(' ');
  const family = name?.family ?? '';
  if (!p.birthDate || (given === '' && family === '')) return undefined;
  const out: PmpPatient = { name: formatHumanName(name) ?? `${given} ${family}`.trim(), given, family, birthDate: p.birthDate };
  if (p.gender) out.gender = p.gender;
  const postalCode = p.address?.find((a) => a.postalCode)?.postalCode;
  if (postalCode) out.postalCode = postalCode;
  return out;
}

function issueText(issue: OperationOutcomeIssue): string {
  return issue.diagnostics ?? conceptDisplay(issue.details) ?? `The PMP reported: ${issue.code}`;
}

function issueCodes(issue: OperationOutcomeIssue): string[] {
  return (issue.details?.coding ?? []).flatMap((c) => (c.code ? [c.code] : []));
}

const ISSUE_KIND: Record<string, PmpError['kind']> = {
  'multiple-matches': 'multiple-matches',
  'not-found': 'no-match',
  login: 'unauthorized',
  security: 'unauthorized',
  forbidden: 'unauthorized',
  expired: 'unauthorized',
  unknown: 'unauthorized',
  timeout: 'timeout',
  invalid: 'bad-request',
  structure: 'bad-request',
  required: 'bad-request',
  value: 'bad-request',
  invariant: 'bad-request',
  'not-supported': 'bad-request',
};

function isFatal(issue: OperationOutcomeIssue): boolean {
  return issue.severity === 'error' || issue.severity === 'fatal';
}

/** Reads the outcome issues: throws for fatal ones, returns warnings and status flags. */
function readOutcomes(outcomes: OperationOutcome[]): { warnings: string[]; noData: boolean; preStage: boolean } {
  const issues = outcomes.flatMap((o) => o.issue);
  const multi = issues.find((i) => i.code === 'multiple-matches');
  if (multi) throw new PmpError('multiple-matches', { detail: issueText(multi) });
  const fatal = issues.find(isFatal);
  if (fatal) throw new PmpError(ISSUE_KIND[fatal.code] ?? 'server-error', { detail: issueText(fatal) });
  return {
    warnings: issues.filter((i) => i.severity === 'warning').map(issueText),
    noData: issues.some((i) => issueCodes(i).includes('no-data')),
    preStage: issues.some((i) => issueCodes(i).includes('pre-stage-accepted')),
  };
}

/** Reshapes the other forms a PMP may answer with (message Bundle, bare Bundle or outcome). */
function asParameters(json: unknown): Parameters {
  const params = unwrapParameters(json);
  if (params) return params;
  const bundle = Bundle.safeParse(json);
  if (bundle.success && bundle.data.type !== 'message') {
    return { resourceType: 'Parameters', parameter: [{ name: 'pdmp-history-data', resource: bundle.data }] };
  }
  const outcome = OperationOutcome.safeParse(json);
  if (outcome.success) return { resourceType: 'Parameters', parameter: [{ name: 'outcome', resource: outcome.data }] };
  throw new PmpError('malformed', { detail: 'not a Parameters, Bundle or OperationOutcome' });
}

/**
 * Converts a `$pdmp-history` answer into PmpHistory. Throws PmpError: 'no-match' (no-data),
 * 'multiple-matches', 'server-error' (fatal outcome) or 'malformed' (anything it cannot read).
 */
export function parseHistoryResponse(json: unknown, source: string, now: Date = new Date()): PmpHistory {
  const params = asParameters(json);
  const bundles: HistoryBundle[] = [];
  const outcomes: OperationOutcome[] = [];
  let reportUrl: string | undefined;
  for (const p of params.parameter ?? []) {
    if (p.name === 'pdmp-history-data') {
      // Each entry's resource is checked where it is read (fhir-guards.ts), never copied.
      if (!isHistoryBundle(p.resource)) throw new PmpError('malformed', { detail: 'pdmp-history-data is not a Bundle' });
      bundles.push(p.resource);
    } else if (p.name === 'outcome') {
      const o = OperationOutcome.safeParse(p.resource);
      if (!o.success) throw new PmpError('malformed', { detail: 'outcome is not an OperationOutcome' });
      outcomes.push(o.data);
    } else if (p.name === 'pdmp-history-link') {
      reportUrl ??= p.valueUrl ?? p.valueUri ?? p.valueString;
    }
  }

  const { warnings, noData, preStage } = readOutcomes(outcomes);
  if (bundles.length === 0 && reportUrl === undefined) {
    if (noData) throw new PmpError('no-match', { detail: 'outcome no-data' });
    // We never ask for pre-staging, so a bare retrieval key is not a history; asking again may be.
    if (preStage) throw new PmpError('server-error', { detail: 'pre-stage accepted, no history returned' });
    throw new PmpError('malformed', { detail: 'no history data, report link or outcome' });
  }

  const index = new ResourceIndex();
  const entries = bundles.length === 1 ? (bundles[0]?.entry ?? []) : bundles.flatMap((b) => b.entry ?? []);
  // Which entries hold a resource, checked once for the index and the reading below.
  const holds = entries.map((e) => isResource(e.resource));
  entries.forEach((e, i) => {
    if (holds[i] === true) index.add(e.resource as Resource, e.fullUrl);
  });

  const counters: Counters = { unreadable: 0 };
  const fills: Fill[] = [];
  const alerts: string[] = [];
  let patient: PmpPatient | undefined;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (!entry || entry.resource === undefined) continue;
    // Something that is not a resource at all: say a record could not be read, keep the rest.
    if (holds[i] !== true) {
      counters.unreadable += 1;
      continue;
    }
    const r = entry.resource as Resource;
    if (r.resourceType === 'MedicationDispense') {
      if (!isMedicationDispense(r)) {
        counters.unreadable += 1;
        continue;
      }
      if (r.status !== undefined && NOT_DISPENSED.has(r.status)) continue;
      const fill = dispenseToFill(r, index, entry.id ?? entry.fullUrl ?? `dispense-${String(i + 1)}`, counters);
      if (fill) fills.push(fill);
    } else if (r.resourceType === 'Patient' && !patient) {
      if (isPatient(r)) patient = patientOf(r);
    } else if (r.resourceType === 'DetectedIssue') {
      const text = isDetectedIssue(r) ? (conceptDisplay(r.code) ?? r.detail) : undefined;
      if (text && !alerts.includes(text)) alerts.push(text);
    }
  }

  if (counters.unreadable > 0) {
    warnings.push(
      counters.unreadable === 1
        ? '1 dispensing record from the PMP could not be read and is not shown.'
        : `${counters.unreadable} dispensing records from the PMP could not be read and are not shown.`,
    );
  }
  if (bundles.length === 0) {
    warnings.push('The PMP sent only a link to its report: open the report to see the prescription history.');
  }
  // Newest first, as clinicians read a PMP report; ties keep the PMP's order.
  // (Every dispensedOn is YYYY-MM-DD, so comparing the text orders the dates, as localeCompare did.)
  fills.sort((a, b) => (a.dispensedOn < b.dispensedOn ? 1 : a.dispensedOn > b.dispensedOn ? -1 : 0));

  const history: PmpHistory = { fills, warnings, alerts, retrievedAt: now.toISOString(), source };
  if (patient) history.patient = patient;
  if (reportUrl) history.reportUrl = reportUrl;
  // Each fill was checked as it was made (dispenseToFill); re-checking hundreds of them here cost
  // more than the rest of the parse, so only the rest of the history is validated.
  const { fills: checkedFills, ...rest } = history;
  const checked = HistoryWithoutFills.safeParse(rest);
  if (!checked.success) throw new PmpError('malformed', { detail: 'history failed validation', cause: checked.error });
  return { ...checked.data, fills: checkedFills };
}
