/**
 * Builds the FHIR the local PMP server answers with, shaped like the US PDMP IG STU1 examples
 * (output-parameters-1/3/6/7 and pdmp-bundle-history-result-2).
 */
import { EXTENSION, SYSTEM, toHumanName } from '../../lib/pmp/fhir';
import type {
  Bundle,
  BundleEntry,
  DetectedIssue,
  MedicationDispense,
  MedicationRequest,
  OperationOutcome,
  Organization,
  Parameters,
  Patient,
  Practitioner,
} from '../../lib/pmp/fhir';
import type { Fill } from '../../lib/pmp/history';
import type { SyntheticPatient } from '../../lib/pmp/synthetic';

const PMP_ID_SYSTEM = 'urn:pmp-check:synthetic-pmp:patient';
const RX_NUMBER_SYSTEM = 'urn:pmp-check:synthetic-pmp:prescriptionnumber';

const PAYMENT_CODES: Record<string, string> = {
  'Private Pay (Cash, Charge, Credit Card)': '01',
  Medicaid: '02',
  Medicare: '03',
  'Commercial Insurance': '04',
};

/** Multiple provider episode: at least 5 prescribers and 5 pharmacies within 90 days. */
export function multipleProviderEpisode(fills: Fill[], today: string, windowDays = 90, min = 5): boolean {
  const start = new Date(`${today}T00:00:00Z`).getTime() - windowDays * 86_400_000;
  const recent = fills.filter((f) => new Date(`${f.dispensedOn}T00:00:00Z`).getTime() >= start);
  const prescribers = new Set(recent.map((f) => f.prescriber.npi ?? f.prescriber.name));
  const pharmacies = new Set(recent.map((f) => f.pharmacy.npi ?? f.pharmacy.name));
  return prescribers.size >= min && pharmacies.size >= min;
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

function patientResource(p: SyntheticPatient): Patient {
  return {
    resourceType: 'Patient',
    id: p.id,
    identifier: [{ system: PMP_ID_SYSTEM, value: p.id }],
    name: [{ family: p.family, given: [p.given] }],
    gender: p.gender,
    birthDate: p.birthDate,
    address: [{ state: 'CT', postalCode: p.postalCode }],
  };
}

function practitionerResource(id: string, prescriber: Fill['prescriber']): Practitioner {
  const resource: Practitioner = { resourceType: 'Practitioner', id, name: [toHumanName(prescriber.name)] };
  const identifier = [
    ...(prescriber.npi ? [{ system: SYSTEM.npi, value: prescriber.npi }] : []),
    ...(prescriber.dea ? [{ system: SYSTEM.dea, value: prescriber.dea }] : []),
  ];
  if (identifier.length > 0) resource.identifier = identifier;
  return resource;
}

function pharmacyResource(id: string, pharmacy: Fill['pharmacy']): Organization {
  const resource: Organization = { resourceType: 'Organization', id, name: pharmacy.name };
  if (pharmacy.npi) resource.identifier = [{ system: SYSTEM.npi, value: pharmacy.npi }];
  const address = { ...(pharmacy.city ? { city: pharmacy.city } : {}), ...(pharmacy.state ? { state: pharmacy.state } : {}) };
  if (Object.keys(address).length > 0) resource.address = [address];
  return resource;
}

function medication(fill: Fill): MedicationDispense['medicationCodeableConcept'] {
  return { coding: fill.ndc ? [{ system: SYSTEM.ndc, code: fill.ndc }] : [], text: fill.drug };
}

/** The history Bundle (type collection) for one patient. */
export function historyBundle(baseUrl: string, patient: SyntheticPatient, fills: Fill[], today: string): Bundle {
  const url = (type: string, id: string): string => `${baseUrl}/${type}/${id}`;
  const entries: BundleEntry[] = [];
  const patientUrl = url('Patient', patient.id);
  entries.push({ fullUrl: patientUrl, resource: patientResource(patient) });

  const practitioners = new Map<string, string>();
  const pharmacies = new Map<string, string>();
  const refOrAdd = (
    seen: Map<string, string>,
    key: string,
    type: 'Practitioner' | 'Organization',
    make: (id: string) => Practitioner | Organization,
  ): string => {
    const known = seen.get(key);
    if (known) return known;
    const id = `${type === 'Practitioner' ? 'prescriber' : 'pharmacy'}-${slug(key)}`;
    const fullUrl = url(type, id);
    seen.set(key, fullUrl);
    entries.push({ fullUrl, resource: make(id) });
    return fullUrl;
  };

  for (const fill of fills) {
    const prescriberUrl = refOrAdd(practitioners, fill.prescriber.npi ?? fill.prescriber.name, 'Practitioner', (id) =>
      practitionerResource(id, fill.prescriber),
    );
    const pharmacyUrl = refOrAdd(pharmacies, fill.pharmacy.npi ?? fill.pharmacy.name, 'Organization', (id) =>
      pharmacyResource(id, fill.pharmacy),
    );
    const rxIdentifier = fill.rxNumber
      ? { type: { coding: [{ system: SYSTEM.v2IdentifierType, code: 'FILL' }] }, system: RX_NUMBER_SYSTEM, value: fill.rxNumber }
      : undefined;

    const requestId = `${fill.id}-rx`;
    const request: MedicationRequest = {
      resourceType: 'MedicationRequest',
      id: requestId,
      status: 'completed',
      intent: 'order',
      medicationCodeableConcept: medication(fill),
      subject: { reference: patientUrl },
      requester: { reference: prescriberUrl, display: fill.prescriber.name },
      dispenseRequest: {
        quantity: { value: fill.quantity, ...(fill.quantityUnit ? { unit: fill.quantityUnit } : {}) },
        expectedSupplyDuration: { value: fill.daysSupply, unit: 'days', system: 'http://unitsofmeasure.org', code: 'd' },
      },
    };
    if (fill.writtenOn) request.authoredOn = fill.writtenOn;
    if (rxIdentifier) request.identifier = [rxIdentifier];

    const extension: MedicationDispense['extension'] = [];
    // STU1 defines 0 as the original fill, which positiveInt cannot carry: unsignedInt keeps the meaning.
    if (fill.refillNumber !== undefined) extension.push({ url: EXTENSION.rxFillNumber, valueUnsignedInt: fill.refillNumber });
    if (fill.paymentType) {
      extension.push({
        url: EXTENSION.methodOfPayment,
        valueCoding: { system: SYSTEM.pmixPayment, code: PAYMENT_CODES[fill.paymentType] ?? '99', display: fill.paymentType },
      });
    }
    const dispense: MedicationDispense = {
      resourceType: 'MedicationDispense',
      id: fill.id,
      extension,
      status: 'completed',
      medicationCodeableConcept: medication(fill),
      subject: { reference: patientUrl },
      performer: [{ actor: { reference: pharmacyUrl, display: fill.pharmacy.name } }],
      authorizingPrescription: [{ reference: url('MedicationRequest', requestId), ...(rxIdentifier ? { identifier: rxIdentifier } : {}) }],
      quantity: { value: fill.quantity, ...(fill.quantityUnit ? { unit: fill.quantityUnit } : {}) },
      daysSupply: { value: fill.daysSupply, unit: 'days', system: 'http://unitsofmeasure.org', code: 'd' },
      whenPrepared: fill.dispensedOn,
      whenHandedOver: fill.dispensedOn,
    };
    entries.push({ fullUrl: url('MedicationDispense', fill.id), resource: dispense });
    entries.push({ fullUrl: url('MedicationRequest', requestId), resource: request });
  }

  if (multipleProviderEpisode(fills, today)) {
    const alert: DetectedIssue = {
      resourceType: 'DetectedIssue',
      id: `${patient.id}-alert-mpe`,
      status: 'final',
      code: {
        coding: [{ system: SYSTEM.pmixAlert, code: '03' }],
        text: 'Multiple provider episode: 5 or more prescribers and 5 or more pharmacies in 90 days',
      },
      patient: { reference: patientUrl },
    };
    entries.push({ fullUrl: url('DetectedIssue', alert.id ?? 'alert'), resource: alert });
  }
  return { resourceType: 'Bundle', type: 'collection', timestamp: new Date().toISOString(), entry: entries };
}

/** An OperationOutcome with one issue. */
export function outcome(severity: string, code: string, diagnostics: string, pmixCode?: string): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity,
        code,
        ...(pmixCode ? { details: { coding: [{ system: SYSTEM.pmixStatus, code: pmixCode }] } } : {}),
        diagnostics,
      },
    ],
  };
}

/** The `$pdmp-history` output: data, report link and an optional outcome. */
export function historyParameters(bundle: Bundle, reportUrl: string, today: string, warning?: OperationOutcome): Parameters {
  const parameters: Parameters = {
    resourceType: 'Parameters',
    parameter: [
      {
        name: 'pdmp-history-data',
        extension: [
          { url: EXTENSION.headerTimestamp, valueDateTime: new Date().toISOString() },
          { url: EXTENSION.activityPeriod, valuePeriod: { start: shiftYears(today, -2), end: today } },
        ],
        resource: bundle,
      },
      { name: 'pdmp-history-link', valueUrl: reportUrl },
    ],
  };
  if (warning) parameters.parameter?.push({ name: 'outcome', resource: warning });
  return parameters;
}

function shiftYears(isoDate: string, years: number): string {
  const y = Number(isoDate.slice(0, 4)) + years;
  return `${y}${isoDate.slice(4)}`;
}

/** Parameters holding only an outcome (IG output-parameters-3 and -7). */
export function outcomeParameters(o: OperationOutcome): Parameters {
  return { resourceType: 'Parameters', parameter: [{ name: 'outcome', resource: o }] };
}

/** The server's CapabilityStatement, listing the pdmp-history operation. */
export function capabilityStatement(baseUrl: string, authRequired: boolean): Record<string, unknown> {
  const operation = [{ name: 'pdmp-history', definition: 'http://hl7.org/fhir/us/pdmp/OperationDefinition/pdmp-history' }];
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString().slice(0, 10),
    publisher: 'pmp-check local synthetic PMP (no real patient data)',
    kind: 'instance',
    implementation: { description: 'Synthetic PMP for demos and tests', url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['json'],
    implementationGuide: ['http://hl7.org/fhir/us/pdmp/ImplementationGuide/hl7.fhir.us.pdmp'],
    rest: [
      {
        mode: 'server',
        ...(authRequired
          ? {
              security: {
                // SMART's way of naming the token endpoint in the CapabilityStatement (next to .well-known/smart-configuration).
                extension: [
                  {
                    url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
                    extension: [{ url: 'token', valueUri: `${baseUrl}/auth/token` }],
                  },
                ],
                service: [
                  { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'OAuth' }] },
                  { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] },
                ],
                description: 'Bearer token in the Authorization header: the demo token, or an access token from SMART Backend Services (client_credentials, private_key_jwt)',
              },
            }
          : {}),
        resource: [{ type: 'Patient', operation }],
        operation,
      },
    ],
  };
}
