/**
 * Fast checks for the FHIR resources a `$pdmp-history` answer is read from. Each guard accepts
 * exactly what its zod schema in fhir.ts accepts (fhir-guards.test.ts compares them on every
 * field with values of every wrong type), but checks the value in place instead of building a
 * copy: on a 500-fill history zod's copies cost more than the rest of the conversion.
 * The schemas stay the definition of the wire format; these are their read-only twins.
 */
import type {
  Bundle,
  CodeableConcept,
  Coding,
  DetectedIssue,
  Extension,
  HumanName,
  Identifier,
  Medication,
  MedicationDispense,
  MedicationRequest,
  Organization,
  Patient,
  Practitioner,
  PractitionerRole,
  Quantity,
  Reference,
  Resource,
} from './fhir';
import type { Fill } from './history';

type Rec = Record<string, unknown>;

/** A JSON object (what a zod object schema accepts): not null, not an array. */
export function isRecord(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Optional primitives: absent (undefined) or of the type. Numbers as z.number(): finite only.
const optString = (v: unknown): boolean => v === undefined || typeof v === 'string';
const optBoolean = (v: unknown): boolean => v === undefined || typeof v === 'boolean';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const optNumber = (v: unknown): boolean => v === undefined || isNumber(v);

function optArray(v: unknown, item: (x: unknown) => boolean): boolean {
  if (v === undefined) return true;
  if (!Array.isArray(v)) return false;
  for (const x of v as unknown[]) if (!item(x)) return false;
  return true;
}

const optOf =
  (guard: (x: unknown) => boolean) =>
  (v: unknown): boolean =>
    v === undefined || guard(v);

// ---------------------------------------------------------------------------------------------
// Data types
// ---------------------------------------------------------------------------------------------

export function isCoding(v: unknown): v is Coding {
  return isRecord(v) && optString(v.system) && optString(v.code) && optString(v.display) && optBoolean(v.userSelected);
}

export function isCodeableConcept(v: unknown): v is CodeableConcept {
  return isRecord(v) && optArray(v.coding, isCoding) && optString(v.text);
}

export function isIdentifier(v: unknown): v is Identifier {
  return isRecord(v) && (v.type === undefined || isCodeableConcept(v.type)) && optString(v.system) && optString(v.value);
}

export function isReference(v: unknown): v is Reference {
  return isRecord(v) && optString(v.reference) && (v.identifier === undefined || isIdentifier(v.identifier)) && optString(v.display);
}

export function isExtension(v: unknown): v is Extension {
  return isRecord(v) && typeof v.url === 'string';
}

const isString = (x: unknown): boolean => typeof x === 'string';

export function isHumanName(v: unknown): v is HumanName {
  return (
    isRecord(v) &&
    optString(v.use) &&
    optString(v.text) &&
    optString(v.family) &&
    optArray(v.given, isString) &&
    optArray(v.prefix, isString) &&
    optArray(v.suffix, isString)
  );
}

export function isAddress(v: unknown): boolean {
  return (
    isRecord(v) &&
    optString(v.use) &&
    optArray(v.line, isString) &&
    optString(v.city) &&
    optString(v.state) &&
    optString(v.postalCode) &&
    optString(v.country)
  );
}

export function isQuantity(v: unknown): v is Quantity {
  return isRecord(v) && optNumber(v.value) && optString(v.unit) && optString(v.system) && optString(v.code);
}

/** Any resource: a resourceType, an id if any. */
export function isResource(v: unknown): v is Resource {
  return isRecord(v) && typeof v.resourceType === 'string' && optString(v.id);
}

const optConcept = optOf(isCodeableConcept);
const optReference = optOf(isReference);
const optQuantity = optOf(isQuantity);

// ---------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------

function isA(v: unknown, type: string): v is Rec {
  return isRecord(v) && v.resourceType === type && optString(v.id);
}

export function isPatient(v: unknown): v is Patient {
  return (
    isA(v, 'Patient') &&
    optArray(v.identifier, isIdentifier) &&
    optArray(v.name, isHumanName) &&
    optString(v.gender) &&
    optString(v.birthDate) &&
    optArray(v.address, isAddress)
  );
}

export function isPractitioner(v: unknown): v is Practitioner {
  return isA(v, 'Practitioner') && optArray(v.identifier, isIdentifier) && optArray(v.name, isHumanName) && optArray(v.address, isAddress);
}

export function isPractitionerRole(v: unknown): v is PractitionerRole {
  return (
    isA(v, 'PractitionerRole') &&
    optReference(v.practitioner) &&
    optReference(v.organization) &&
    optArray(v.code, isCodeableConcept) &&
    optArray(v.specialty, isCodeableConcept)
  );
}

export function isOrganization(v: unknown): v is Organization {
  return isA(v, 'Organization') && optArray(v.identifier, isIdentifier) && optString(v.name) && optArray(v.address, isAddress);
}

export function isMedication(v: unknown): v is Medication {
  return isA(v, 'Medication') && optConcept(v.code);
}

export function isDetectedIssue(v: unknown): v is DetectedIssue {
  return (
    isA(v, 'DetectedIssue') &&
    optString(v.status) &&
    optConcept(v.code) &&
    optString(v.severity) &&
    optString(v.detail) &&
    optReference(v.patient)
  );
}

function isDispenseRequest(v: unknown): boolean {
  return isRecord(v) && optNumber(v.numberOfRepeatsAllowed) && optQuantity(v.quantity) && optQuantity(v.expectedSupplyDuration);
}

/** The parts of a MedicationRequest a fill reads (the rest passes through unread). */
export type RequestForFill = Pick<MedicationRequest, 'resourceType' | 'identifier' | 'authoredOn' | 'requester' | 'dispenseRequest' | 'contained'> & Rec;

/** MedicationRequest.pick({ resourceType, identifier, authoredOn, requester, dispenseRequest, contained }). */
export function isRequestForFill(v: unknown): v is RequestForFill {
  return (
    isRecord(v) &&
    v.resourceType === 'MedicationRequest' &&
    optArray(v.identifier, isIdentifier) &&
    optString(v.authoredOn) &&
    optReference(v.requester) &&
    (v.dispenseRequest === undefined || isDispenseRequest(v.dispenseRequest)) &&
    optArray(v.contained, isResource)
  );
}

export function isMedicationRequest(v: unknown): v is MedicationRequest {
  return (
    isRequestForFill(v) &&
    optString(v.id) &&
    optString(v.status) &&
    optString(v.intent) &&
    optConcept(v.medicationCodeableConcept) &&
    optReference(v.subject)
  );
}

function isPerformer(v: unknown): boolean {
  return isRecord(v) && optReference(v.actor);
}

export function isMedicationDispense(v: unknown): v is MedicationDispense {
  return (
    isA(v, 'MedicationDispense') &&
    optArray(v.extension, isExtension) &&
    optArray(v.identifier, isIdentifier) &&
    optString(v.status) &&
    optConcept(v.medicationCodeableConcept) &&
    optReference(v.medicationReference) &&
    optReference(v.subject) &&
    optArray(v.performer, isPerformer) &&
    optArray(v.authorizingPrescription, isReference) &&
    optQuantity(v.quantity) &&
    optQuantity(v.daysSupply) &&
    optString(v.whenPrepared) &&
    optString(v.whenHandedOver) &&
    optArray(v.contained, isResource)
  );
}

/** A resource that has `contained` resources, as '#id' references need. */
export function hasContained(v: unknown): v is { contained: Resource[] } {
  return isRecord(v) && Array.isArray(v.contained) && optArray(v.contained, isResource);
}

// As the zod schema had it (`resource: z.unknown()`, which zod 4 treats as a required key): an
// entry without a resource key makes the Bundle unreadable. [kept as it was; FHIR allows 0..1]
function isBundleEntry(v: unknown): boolean {
  return isRecord(v) && optString(v.id) && optString(v.fullUrl) && 'resource' in v;
}

/** A Bundle whose entries are objects with an optional id and fullUrl; each resource is checked where it is read. */
export type HistoryBundle = Omit<Bundle, 'entry'> & { entry?: ({ id?: string; fullUrl?: string; resource?: unknown } & Rec)[] };

export function isHistoryBundle(v: unknown): v is HistoryBundle {
  return isA(v, 'Bundle') && typeof v.type === 'string' && optString(v.timestamp) && optArray(v.entry, isBundleEntry);
}

// ---------------------------------------------------------------------------------------------
// The app's Fill
// ---------------------------------------------------------------------------------------------

const IS_DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (v: unknown): boolean => typeof v === 'string' && IS_DATE.test(v);

/** What the Fill schema in history.ts accepts, checked in place. */
export function isFill(v: unknown): v is Fill {
  if (!isRecord(v)) return false;
  const { prescriber: who, pharmacy: where } = v;
  return (
    typeof v.id === 'string' &&
    typeof v.drug === 'string' &&
    optString(v.ingredient) &&
    optString(v.strength) &&
    optNumber(v.strengthValue) &&
    optString(v.strengthUnit) &&
    isNumber(v.quantity) &&
    optString(v.quantityUnit) &&
    isNumber(v.daysSupply) &&
    isDate(v.dispensedOn) &&
    (v.writtenOn === undefined || isDate(v.writtenOn)) &&
    optNumber(v.refillNumber) &&
    optString(v.rxNumber) &&
    optString(v.ndc) &&
    optString(v.rxcui) &&
    isRecord(who) &&
    typeof who.name === 'string' &&
    optString(who.npi) &&
    optString(who.dea) &&
    isRecord(where) &&
    typeof where.name === 'string' &&
    optString(where.npi) &&
    optString(where.city) &&
    optString(where.state) &&
    optString(v.paymentType)
  );
}
