/**
 * NCPDP SCRIPT RxHistoryResponse (10.6 and 2017071) to FHIR: the core of a facade that lets a
 * state PMP hub speaking SCRIPT answer as `$pdmp-history`. The hub needs mutual TLS, so this runs
 * server-side; it has no Node dependencies all the same.
 *
 * Includes a small tolerant XML reader (no XML library is available): elements, attributes, text,
 * CDATA, comments, a BOM, entities and namespace prefixes. No DTDs, no external entities.
 */
import { PmpError } from './errors';
import { EXTENSION, SYSTEM } from './fhir';
import type {
  Bundle,
  BundleEntry,
  Identifier,
  MedicationDispense,
  MedicationRequest,
  Organization,
  Parameters,
  Patient,
  Practitioner,
} from './fhir';

// ---------------------------------------------------------------------------------------------
// XML
// ---------------------------------------------------------------------------------------------

export interface XmlElement {
  /** Local name: a namespace prefix is dropped, SCRIPT 10.6 and 2017071 differ only there. */
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
    if (body.startsWith('#x') || body.startsWith('#X')) return String.fromCodePoint(parseInt(body.slice(2), 16));
    if (body.startsWith('#')) return String.fromCodePoint(parseInt(body.slice(1), 10));
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

const localName = (qname: string): string => qname.slice(qname.indexOf(':') + 1);

/**
 * Parses XML into elements. Tolerant: an unmatched closing tag is ignored and unclosed elements
 * are closed at the end. Throws PmpError 'malformed' when there is no root element at all.
 */
export function parseXml(xml: string): XmlElement {
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  const top = (): XmlElement => stack[stack.length - 1] ?? root;
  const src = xml.replace(/^\uFEFF/, '');
  let i = 0;
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    if (lt === -1) {
      top().text += decodeEntities(src.slice(i));
      break;
    }
    if (lt > i) top().text += decodeEntities(src.slice(i, lt));
    if (src.startsWith('<!--', lt)) {
      const end = src.indexOf('-->', lt + 4);
      i = end === -1 ? src.length : end + 3;
    } else if (src.startsWith('<![CDATA[', lt)) {
      const end = src.indexOf(']]>', lt + 9);
      top().text += src.slice(lt + 9, end === -1 ? src.length : end);
      i = end === -1 ? src.length : end + 3;
    } else if (src.startsWith('<?', lt) || src.startsWith('<!', lt)) {
      // Declarations, processing instructions and DOCTYPE carry nothing we use (and no entities are expanded).
      const end = src.indexOf('>', lt);
      i = end === -1 ? src.length : end + 1;
    } else if (src.startsWith('</', lt)) {
      const end = src.indexOf('>', lt);
      const name = localName(src.slice(lt + 2, end === -1 ? src.length : end).trim());
      const at = stack.map((e) => e.name).lastIndexOf(name);
      if (at > 0) stack.length = at;
      i = end === -1 ? src.length : end + 1;
    } else {
      const tag = /^<([A-Za-z_][\w.:-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(src.slice(lt));
      if (!tag) {
        // A stray '<' in text: keep it as text rather than failing the whole message.
        top().text += '<';
        i = lt + 1;
        continue;
      }
      const [whole, qname = '', attrText = '', selfClosing] = tag;
      const attributes: Record<string, string> = {};
      for (const m of attrText.matchAll(/([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        attributes[localName(m[1] ?? '')] = decodeEntities(m[2] ?? m[3] ?? '');
      }
      const el: XmlElement = { name: localName(qname), attributes, children: [], text: '' };
      top().children.push(el);
      if (selfClosing !== '/') stack.push(el);
      i = lt + whole.length;
    }
  }
  const doc = root.children[0];
  if (!doc) throw new PmpError('malformed', { detail: 'no XML root element' });
  return doc;
}

/** The first descendant along a path of child names. */
export function xmlChild(el: XmlElement | undefined, ...path: string[]): XmlElement | undefined {
  let cur = el;
  for (const name of path) {
    cur = cur?.children.find((c) => c.name === name);
    if (!cur) return undefined;
  }
  return cur;
}

/** Trimmed text at a path, undefined when absent or empty. */
export function xmlText(el: XmlElement | undefined, ...path: string[]): string | undefined {
  const t = xmlChild(el, ...path)?.text.trim();
  return t === undefined || t === '' ? undefined : t;
}

const childrenNamed = (el: XmlElement | undefined, name: string): XmlElement[] => el?.children.filter((c) => c.name === name) ?? [];

// ---------------------------------------------------------------------------------------------
// SCRIPT -> FHIR
// ---------------------------------------------------------------------------------------------

// 'Not found' in the SCRIPT Error segment, as the WA hub sends it for an unknown patient.
const NOT_FOUND_CODE = '900';

// NCI thesaurus codes SCRIPT uses for quantity units (the common ones; others stay unnamed).
const NCI_UNITS: Record<string, string> = {
  C48542: 'tablet',
  C48480: 'capsule',
  C28254: 'mL',
  C48155: 'g',
  C48501: 'inhalation',
  C48536: 'suppository',
  C48524: 'patch',
  C62412: 'film',
  C48521: 'packet',
};

// RxNorm term types SCRIPT sends as DrugDBCode qualifiers.
const RXNORM_QUALIFIERS = new Set(['SCD', 'SBD', 'GPCK', 'BPCK', 'GPK', 'BPK']);

/** '0', '0000000' and 'XX0000000' are SCRIPT placeholders for "no identifier". */
function realId(v: string | undefined): string | undefined {
  if (v === undefined || /^[X0]*0+$/i.test(v)) return undefined;
  return v;
}

function date(el: XmlElement | undefined, name: string): string | undefined {
  const v = xmlText(el, name, 'Date') ?? xmlText(el, name, 'DateTime');
  return v === undefined ? undefined : v.slice(0, 10);
}

function identifiers(ident: XmlElement | undefined): Identifier[] {
  const out: Identifier[] = [];
  const npi = realId(xmlText(ident, 'NPI'));
  const dea = realId(xmlText(ident, 'DEANumber'));
  const ncpdp = realId(xmlText(ident, 'NCPDPID'));
  if (npi) out.push({ system: SYSTEM.npi, value: npi });
  if (dea) out.push({ system: SYSTEM.dea, value: dea });
  if (ncpdp) out.push({ system: SYSTEM.ncpdp, value: ncpdp });
  return out;
}

function personName(nameEl: XmlElement | undefined): { family?: string; given?: string[] } | undefined {
  const family = xmlText(nameEl, 'LastName');
  const given = [xmlText(nameEl, 'FirstName'), xmlText(nameEl, 'MiddleName')].filter((x): x is string => x !== undefined);
  if (!family && given.length === 0) return undefined;
  return { ...(family ? { family } : {}), ...(given.length > 0 ? { given } : {}) };
}

interface Ids {
  next(type: string): { id: string; fullUrl: string };
}

function idMaker(): Ids {
  let n = 0;
  return {
    next(type) {
      n += 1;
      const id = `${type.toLowerCase()}-${n}`;
      // Deterministic UUID-shaped fullUrls keep output stable for tests and caches.
      return { id, fullUrl: `urn:uuid:00000000-0000-4000-8000-${String(n).padStart(12, '0')}` };
    },
  };
}

function patientFrom(el: XmlElement | undefined, ids: Ids, entries: BundleEntry[]): string | undefined {
  // 2017071 nests the person in HumanPatient; 10.6 puts the fields right under Patient.
  const p = xmlChild(el, 'HumanPatient') ?? el;
  if (!p) return undefined;
  const { id, fullUrl } = ids.next('Patient');
  const resource: Patient = { resourceType: 'Patient', id };
  const name = personName(xmlChild(p, 'Name'));
  if (name) resource.name = [name];
  const gender = xmlText(p, 'Gender');
  if (gender) resource.gender = ({ M: 'male', F: 'female', U: 'unknown' } as Record<string, string>)[gender.toUpperCase()] ?? 'unknown';
  const dob = date(p, 'DateOfBirth');
  if (dob) resource.birthDate = dob;
  const address = xmlChild(p, 'Address');
  const postalCode = xmlText(address, 'PostalCode') ?? xmlText(address, 'ZipCode');
  const state = xmlText(address, 'StateProvince') ?? xmlText(address, 'State');
  if (postalCode || state) resource.address = [{ ...(state ? { state } : {}), ...(postalCode ? { postalCode } : {}) }];
  entries.push({ fullUrl, resource });
  return fullUrl;
}

class Directory {
  private readonly seen = new Map<string, string>();

  constructor(
    private readonly ids: Ids,
    private readonly entries: BundleEntry[],
  ) {}

  /** Adds a resource once per identity key and returns its fullUrl. */
  add(key: string, type: 'Practitioner' | 'Organization', make: (id: string) => Practitioner | Organization): string {
    const known = this.seen.get(`${type}|${key}`);
    if (known) return known;
    const { id, fullUrl } = this.ids.next(type);
    this.entries.push({ fullUrl, resource: make(id) });
    this.seen.set(`${type}|${key}`, fullUrl);
    return fullUrl;
  }
}

function pharmacyRef(el: XmlElement | undefined, dir: Directory): { reference: string; display: string } | undefined {
  if (!el) return undefined;
  const name = xmlText(el, 'BusinessName') ?? xmlText(el, 'StoreName');
  const identifier = identifiers(xmlChild(el, 'Identification'));
  const address = xmlChild(el, 'Address');
  const city = xmlText(address, 'City');
  const state = xmlText(address, 'StateProvince') ?? xmlText(address, 'State');
  const display = name ?? 'Pharmacy not named';
  const key = identifier[0]?.value ?? `${display}|${city ?? ''}`;
  const reference = dir.add(key, 'Organization', (id) => ({
    resourceType: 'Organization',
    id,
    name: display,
    ...(identifier.length > 0 ? { identifier } : {}),
    ...(city || state ? { address: [{ ...(city ? { city } : {}), ...(state ? { state } : {}) }] } : {}),
  }));
  return { reference, display };
}

function prescriberRef(el: XmlElement | undefined, dir: Directory): { reference: string; display?: string } | undefined {
  // 2017071 wraps the person in NonVeterinarian (or Veterinarian); 10.6 does not.
  const p = xmlChild(el, 'NonVeterinarian') ?? xmlChild(el, 'Veterinarian') ?? el;
  if (!p) return undefined;
  const identifier = identifiers(xmlChild(p, 'Identification'));
  const name = personName(xmlChild(p, 'Name'));
  const display = [...(name?.given ?? []), name?.family ?? ''].join(' ').trim();
  const key = identifier[0]?.value ?? display;
  if (key === '') return undefined;
  const reference = dir.add(key, 'Practitioner', (id) => ({
    resourceType: 'Practitioner',
    id,
    ...(name ? { name: [name] } : {}),
    ...(identifier.length > 0 ? { identifier } : {}),
  }));
  return display === '' ? { reference } : { reference, display };
}

function productCodings(drugCoded: XmlElement | undefined): { system: string; code: string }[] {
  const codings: { system: string; code: string }[] = [];
  const product = xmlChild(drugCoded, 'ProductCode');
  // 2017071: ProductCode/Code + Qualifier; 10.6: ProductCode text + ProductCodeQualifier.
  const code = xmlText(product, 'Code') ?? (product?.children.length === 0 ? product.text.trim() : undefined);
  const qualifier = xmlText(product, 'Qualifier') ?? xmlText(drugCoded, 'ProductCodeQualifier');
  if (code && qualifier === 'ND') codings.push({ system: SYSTEM.ndc, code });
  const db = xmlChild(drugCoded, 'DrugDBCode');
  const dbCode = xmlText(db, 'Code') ?? (db?.children.length === 0 ? db.text.trim() : undefined);
  const dbQualifier = xmlText(db, 'Qualifier') ?? xmlText(drugCoded, 'DrugDBCodeQualifier');
  if (dbCode && dbQualifier && RXNORM_QUALIFIERS.has(dbQualifier)) codings.push({ system: SYSTEM.rxnorm, code: dbCode });
  return codings;
}

function numberOf(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

function dispenseFrom(
  md: XmlElement,
  ctx: { ids: Ids; dir: Directory; entries: BundleEntry[]; patientUrl?: string; fallbackPharmacy?: XmlElement; fallbackPrescriber?: XmlElement },
): void {
  const { id, fullUrl } = ctx.ids.next('MedicationDispense');
  const description = xmlText(md, 'DrugDescription');
  const codings = productCodings(xmlChild(md, 'DrugCoded'));
  const quantityEl = xmlChild(md, 'Quantity');
  const quantity = numberOf(xmlText(quantityEl, 'Value'));
  const unit = NCI_UNITS[xmlText(quantityEl, 'QuantityUnitOfMeasure', 'Code') ?? xmlText(quantityEl, 'PotencyUnitCode') ?? ''];
  const daysSupply = numberOf(xmlText(md, 'DaysSupply'));
  const filled = date(md, 'LastFillDate') ?? date(md, 'DeliveredOnDate');
  const written = date(md, 'WrittenDate');
  const fillNumber = numberOf(xmlText(md, 'HistorySource', 'FillNumber'));
  const rxNumber = realId(xmlText(md, 'HistorySource', 'SourceReference') ?? xmlText(md, 'PrescriberOrderNumber'));

  const pharmacy = pharmacyRef(xmlChild(md, 'Pharmacy') ?? ctx.fallbackPharmacy, ctx.dir);
  const prescriber = prescriberRef(xmlChild(md, 'Prescriber') ?? ctx.fallbackPrescriber, ctx.dir);
  const medication = { ...(codings.length > 0 ? { coding: codings } : {}), ...(description ? { text: description } : {}) };

  const request = ctx.ids.next('MedicationRequest');
  const rxIdentifier = rxNumber ? [{ type: { coding: [{ system: SYSTEM.v2IdentifierType, code: 'FILL' }] }, value: rxNumber }] : undefined;
  const mr: MedicationRequest = {
    resourceType: 'MedicationRequest',
    id: request.id,
    status: 'completed',
    intent: 'order',
    medicationCodeableConcept: medication,
    ...(ctx.patientUrl ? { subject: { reference: ctx.patientUrl } } : {}),
    ...(written ? { authoredOn: written } : {}),
    ...(prescriber ? { requester: prescriber } : {}),
    ...(rxIdentifier ? { identifier: rxIdentifier } : {}),
  };
  const dispense: MedicationDispense = {
    resourceType: 'MedicationDispense',
    id,
    status: 'completed',
    medicationCodeableConcept: medication,
    ...(ctx.patientUrl ? { subject: { reference: ctx.patientUrl } } : {}),
    ...(pharmacy ? { performer: [{ actor: pharmacy }] } : {}),
    authorizingPrescription: [{ reference: request.fullUrl }],
    ...(quantity !== undefined ? { quantity: { value: quantity, ...(unit ? { unit } : {}) } } : {}),
    ...(daysSupply !== undefined ? { daysSupply: { value: daysSupply, unit: 'days', system: 'http://unitsofmeasure.org', code: 'd' } } : {}),
    ...(filled ? { whenHandedOver: filled } : {}),
    ...(fillNumber !== undefined ? { extension: [{ url: EXTENSION.rxFillNumber, valueUnsignedInt: fillNumber }] } : {}),
  };
  ctx.entries.push({ fullUrl, resource: dispense });
  ctx.entries.push({ fullUrl: request.fullUrl, resource: mr });
}

/**
 * Converts an NCPDP SCRIPT RxHistoryResponse (10.6 or 2017071) into a FHIR history Bundle (type
 * collection, as in `pdmp-history-data`). Throws PmpError: 'no-match' for Error 900 (not found),
 * 'server-error' for other errors or a denial, 'malformed' for anything that is not a response.
 */
export function scriptToFhirBundle(xml: string): Bundle {
  const message = parseXml(xml);
  if (message.name !== 'Message') throw new PmpError('malformed', { detail: `SCRIPT root is ${message.name}, not Message` });
  const body = xmlChild(message, 'Body');
  const error = xmlChild(body, 'Error');
  if (error) {
    const code = xmlText(error, 'Code');
    const detail = `SCRIPT Error ${code ?? '?'} ${xmlText(error, 'Description') ?? ''}`.trim();
    throw new PmpError(code === NOT_FOUND_CODE ? 'no-match' : 'server-error', { detail });
  }
  const response = xmlChild(body, 'RxHistoryResponse');
  if (!response) throw new PmpError('malformed', { detail: 'no RxHistoryResponse in the SCRIPT Body' });
  const denied = xmlChild(response, 'Response', 'Denied');
  if (denied) {
    throw new PmpError('server-error', {
      detail: `SCRIPT response denied: ${xmlText(denied, 'DenialReason') ?? xmlText(denied, 'ReasonCode') ?? 'no reason given'}`,
      retryable: false,
    });
  }

  const ids = idMaker();
  const entries: BundleEntry[] = [];
  const dir = new Directory(ids, entries);
  const patientUrl = patientFrom(xmlChild(response, 'Patient'), ids, entries);
  const ctx = {
    ids,
    dir,
    entries,
    ...(patientUrl ? { patientUrl } : {}),
    // The NIST sample also names pharmacy and prescriber once for the whole response.
    ...(xmlChild(response, 'Pharmacy') ? { fallbackPharmacy: xmlChild(response, 'Pharmacy') } : {}),
    ...(xmlChild(response, 'Prescriber') ? { fallbackPrescriber: xmlChild(response, 'Prescriber') } : {}),
  };
  for (const md of childrenNamed(response, 'MedicationDispensed')) dispenseFrom(md, ctx);
  const sent = xmlText(message, 'Header', 'SentTime');
  return { resourceType: 'Bundle', type: 'collection', ...(sent ? { timestamp: sent } : {}), entry: entries };
}

/**
 * The facade's `$pdmp-history` output for a SCRIPT response: the history, or the IG outcome for
 * "not found" (no-data) and for errors, so the caller answers exactly as a FHIR PMP would.
 */
export function scriptToHistoryParameters(xml: string): Parameters {
  try {
    return { resourceType: 'Parameters', parameter: [{ name: 'pdmp-history-data', resource: scriptToFhirBundle(xml) }] };
  } catch (e) {
    if (!(e instanceof PmpError) || e.kind === 'malformed') throw e;
    const notFound = e.kind === 'no-match';
    const issue = notFound
      ? { severity: 'information', code: 'informational', details: { coding: [{ system: SYSTEM.pmixStatus, code: 'no-data' }] }, diagnostics: 'No PDMP history was found for the submitted patient' }
      : { severity: 'error', code: 'exception', details: { coding: [{ system: SYSTEM.pmixStatus, code: 'error' }] }, diagnostics: e.detail ?? 'The PMP reported an error' };
    return { resourceType: 'Parameters', parameter: [{ name: 'outcome', resource: { resourceType: 'OperationOutcome', issue: [issue] } }] };
  }
}
