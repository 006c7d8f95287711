// @vitest-environment node
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PmpError } from './errors';
import {
  Bundle,
  MedicationDispense,
  Parameters,
  buildHistoryRequest,
  formatHumanName,
  parseDrugText,
  parseHistoryRequest,
  parseHistoryResponse,
  toHumanName,
} from './fhir';
import { Fill } from './history';
import type { PatientQuery, PmpHistory, Requester } from './history';

const IG_DIR = fileURLToPath(new URL('../../test/fixtures/pmp/fhir-pdmp-ig/', import.meta.url));
const ig = (name: string): unknown => JSON.parse(readFileSync(`${IG_DIR}${name}`, 'utf8')) as unknown;
const NOW = new Date('2024-01-02T03:04:05Z');
const parse = (json: unknown): PmpHistory => parseHistoryResponse(json, 'test-pmp', NOW);

function thrown(fn: () => unknown): PmpError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PmpError) return e;
    throw e;
  }
  throw new Error('expected a PmpError');
}

const wrap = (...resources: unknown[]): unknown => ({
  resourceType: 'Parameters',
  parameter: [{ name: 'pdmp-history-data', resource: { resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) } }],
});

describe('IG samples: every file is covered', () => {
  const covered = new Set([
    'Bundle-pdmp-bundle-history-result-1.json',
    'Bundle-pdmp-bundle-history-result-2.json',
    'Bundle-pdmp-bundle-request-message-1.json',
    'Bundle-pdmp-bundle-response-message-1.json',
    'MedicationDispense-pdmp-meddispense-1.json',
    'MedicationDispense-pdmp-meddispense-2.json',
    'Parameters-pdmp-history-input-parameters-1.json',
    'Parameters-pdmp-history-input-parameters-2-minimum.json',
    'Parameters-pdmp-history-input-parameters-3-veterinary.json',
    'Parameters-pdmp-history-input-parameters-4-delegate.json',
    'Parameters-pdmp-history-output-parameters-1.json',
    'Parameters-pdmp-history-output-parameters-2-minimal-history.json',
    'Parameters-pdmp-history-output-parameters-3-patient-not-found.json',
    'Parameters-pdmp-history-output-parameters-4-link-response.json',
    'Parameters-pdmp-history-output-parameters-5-pre-stage-response.json',
    'Parameters-pdmp-history-output-parameters-6-non-fatal-warning.json',
    'Parameters-pdmp-history-output-parameters-7-fatal-error.json',
  ]);
  it('has a test for each fixture', () => {
    expect(new Set(readdirSync(IG_DIR))).toEqual(covered);
  });

  it.each([...covered].filter((f) => f.startsWith('Parameters') || f.startsWith('Bundle')))('%s passes the wire schema', (file) => {
    const json = ig(file);
    const ok = file.startsWith('Parameters') ? Parameters.safeParse(json).success : Bundle.safeParse(json).success;
    expect(ok).toBe(true);
  });

  it.each(['MedicationDispense-pdmp-meddispense-1.json', 'MedicationDispense-pdmp-meddispense-2.json'])('%s passes the wire schema', (file) => {
    expect(MedicationDispense.safeParse(ig(file)).success).toBe(true);
  });
});

describe('parseHistoryResponse on the IG outputs', () => {
  it('output-parameters-1: a full dispense', () => {
    const h = parse(ig('Parameters-pdmp-history-output-parameters-1.json'));
    expect(h.patient).toEqual({ name: 'August Samuels', given: 'August', family: 'Samuels', birthDate: '1989-03-12', gender: 'male', postalCode: '01059' });
    expect(h.fills).toEqual([
      {
        id: 'meddispense-res-1',
        drug: 'Acetaminophen 300 mg / Codeine 30 mg oral tablet',
        ingredient: 'codeine',
        strength: '30 mg',
        strengthValue: 30,
        strengthUnit: 'mg',
        quantity: 15,
        quantityUnit: 'each',
        daysSupply: 5,
        dispensedOn: '2023-06-05',
        refillNumber: 1,
        rxNumber: '000022056',
        ndc: '00093015001',
        rxcui: '993781',
        prescriber: { name: 'Prescriber not reported' },
        pharmacy: { name: 'Our Pharmacy', npi: '1669512349', city: 'Minneapolis', state: 'MN' },
      },
    ]);
    expect(h).toMatchObject({ warnings: [], alerts: [], source: 'test-pmp', retrievedAt: NOW.toISOString() });
    expect(h.reportUrl).toBeUndefined();
  });

  it('output-parameters-2: the minimal history', () => {
    const h = parse(ig('Parameters-pdmp-history-output-parameters-2-minimal-history.json'));
    expect(h.fills).toHaveLength(1);
    expect(h.fills[0]).toMatchObject({ quantity: 10, daysSupply: 5, dispensedOn: '2023-06-05', pharmacy: { name: 'Our Pharmacy', npi: '1669512349' } });
    expect(h.fills[0]?.refillNumber).toBeUndefined();
    expect(h.patient?.gender).toBe('unknown');
  });

  it('output-parameters-3: patient not found is no-match', () => {
    const e = thrown(() => parse(ig('Parameters-pdmp-history-output-parameters-3-patient-not-found.json')));
    expect(e.kind).toBe('no-match');
    expect(e.retryable).toBe(false);
  });

  it('output-parameters-4: a link only, with a warning that the fills are in the report', () => {
    const h = parse(ig('Parameters-pdmp-history-output-parameters-4-link-response.json'));
    expect(h.reportUrl).toBe('http://pdmp.example.org/response/013050650054450');
    expect(h.fills).toEqual([]);
    expect(h.warnings).toEqual(['The PMP sent only a link to its report: open the report to see the prescription history.']);
  });

  it('output-parameters-5: a pre-stage key without history is not shown as an empty history', () => {
    const e = thrown(() => parse(ig('Parameters-pdmp-history-output-parameters-5-pre-stage-response.json')));
    expect(e.kind).toBe('server-error');
    expect(e.retryable).toBe(true);
  });

  it('output-parameters-6: an incomplete warning is kept', () => {
    const h = parse(ig('Parameters-pdmp-history-output-parameters-6-non-fatal-warning.json'));
    expect(h.reportUrl).toBe('http://pdmp.example.org/response/976a5495-72b6-4ed2-b913-a7dc21e7e5e0');
    expect(h.warnings[0]).toMatch(/^Incomplete results: History includes only information from the MN PDMP/);
  });

  it('output-parameters-7: a fatal error is a retryable server-error', () => {
    const e = thrown(() => parse(ig('Parameters-pdmp-history-output-parameters-7-fatal-error.json')));
    expect(e.kind).toBe('server-error');
    expect(e.retryable).toBe(true);
    expect(e.detail).toMatch(/Please resubmit/);
  });

  it('history-result-1: a bare collection Bundle; a PLAC order number is not an Rx number', () => {
    const h = parse(ig('Bundle-pdmp-bundle-history-result-1.json'));
    expect(h.fills).toHaveLength(1);
    expect(h.fills[0]?.rxNumber).toBeUndefined();
    expect(h.fills[0]?.pharmacy).toEqual({ name: 'Our Pharmacy', npi: '1669512349', city: 'Minneapolis', state: 'MN' });
  });

  it('history-result-2: prescribers through MedicationRequest, two states, an alert, newest first', () => {
    const h = parse(ig('Bundle-pdmp-bundle-history-result-2.json'));
    expect(h.fills.map((f) => [f.id, f.dispensedOn, f.ingredient])).toEqual([
      ['meddispense-res-2', '2023-07-08', 'alprazolam'],
      ['meddispense-res-1', '2023-06-05', 'codeine'],
    ]);
    expect(h.fills[0]?.prescriber).toEqual({ name: 'Marie Fiorella, MD', npi: '9941339100', dea: 'CF1234563' });
    expect(h.fills[0]?.pharmacy).toEqual({ name: 'Another Pharmacy', npi: '1682435585', city: 'Cumberland', state: 'RI' });
    expect(h.fills[1]?.prescriber.dea).toBe('CF6543210');
    expect(h.alerts).toEqual(['Doctor/pharmacy shopping alert']);
  });

  it('response-message-1: the messaging variant is unwrapped', () => {
    const h = parse(ig('Bundle-pdmp-bundle-response-message-1.json'));
    expect(h.fills.map((f) => f.rxNumber)).toEqual(['065046045550']);
    expect(h.patient?.family).toBe('Samuels');
  });

  it.each([
    ['MedicationDispense-pdmp-meddispense-1.json', { id: 'pdmp-meddispense-1', quantity: 15, paymentType: 'Private Pay (Cash, Charge, Credit Card)', refillNumber: 1 }],
    // status in-progress, a dateTime for whenPrepared, a subject with a display only.
    ['MedicationDispense-pdmp-meddispense-2.json', { id: 'pdmp-meddispense-2', dispensedOn: '2023-07-08', ingredient: 'alprazolam', strengthValue: 1, refillNumber: 4 }],
  ])('%s maps to a Fill', (file, expected) => {
    const h = parse(wrap(ig(file)));
    expect(h.fills).toHaveLength(1);
    expect(h.fills[0]).toMatchObject({ ...expected, pharmacy: { name: 'Our Pharmacy' } });
    expect(h.patient).toBeUndefined();
  });
});

describe('parseHistoryResponse: outcomes, references and damage', () => {
  const dispense = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
    resourceType: 'MedicationDispense',
    id: 'md-1',
    status: 'completed',
    medicationCodeableConcept: { text: 'Oxycodone HCl 5 mg tablet' },
    quantity: { value: 20, unit: 'tablet' },
    daysSupply: { value: 5 },
    whenHandedOver: '2024-01-01',
    ...over,
  });
  const outcomeOnly = (issue: Record<string, unknown>): unknown => ({
    resourceType: 'Parameters',
    parameter: [{ name: 'outcome', resource: { resourceType: 'OperationOutcome', issue: [issue] } }],
  });

  it.each([
    ['multiple-matches', { severity: 'error', code: 'multiple-matches', diagnostics: 'several' }, 'multiple-matches'],
    ['login', { severity: 'error', code: 'login' }, 'unauthorized'],
    ['invalid', { severity: 'error', code: 'invalid' }, 'bad-request'],
    ['not-found', { severity: 'error', code: 'not-found' }, 'no-match'],
    ['timeout', { severity: 'fatal', code: 'timeout' }, 'timeout'],
    ['exception', { severity: 'fatal', code: 'exception' }, 'server-error'],
    ['information only', { severity: 'information', code: 'informational' }, 'malformed'],
  ])('outcome %s', (_label, issue, kind) => {
    expect(thrown(() => parse(outcomeOnly(issue))).kind).toBe(kind);
  });

  it('an error outcome wins over data sent alongside it', () => {
    const json = wrap(dispense()) as { parameter: unknown[] };
    json.parameter.push({ name: 'outcome', resource: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception' }] } });
    expect(thrown(() => parse(json)).kind).toBe('server-error');
  });

  it('a bare OperationOutcome is read like an outcome parameter', () => {
    const e = thrown(() => parse({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'multiple-matches' }] }));
    expect(e.kind).toBe('multiple-matches');
  });

  it.each([
    ['null', null],
    ['a string', 'oops'],
    ['an empty object', {}],
    ['another resource', { resourceType: 'Patient' }],
    ['empty Parameters', { resourceType: 'Parameters' }],
    ['data that is not a Bundle', { resourceType: 'Parameters', parameter: [{ name: 'pdmp-history-data', resource: { resourceType: 'Patient' } }] }],
    ['an outcome that is not an OperationOutcome', { resourceType: 'Parameters', parameter: [{ name: 'outcome', resource: { resourceType: 'Bundle', type: 'collection' } }] }],
    ['a message Bundle without Parameters', { resourceType: 'Bundle', type: 'message', entry: [] }],
  ])('%s is malformed', (_label, json) => {
    expect(thrown(() => parse(json)).kind).toBe('malformed');
  });

  it('resolves contained MedicationRequest, PractitionerRole and Practitioner', () => {
    const h = parse(
      wrap(
        dispense({
          contained: [
            { resourceType: 'MedicationRequest', id: 'rx', authoredOn: '2023-12-30T10:00:00Z', requester: { reference: '#role' } },
            { resourceType: 'PractitionerRole', id: 'role', practitioner: { reference: '#doc' } },
            { resourceType: 'Practitioner', id: 'doc', name: [{ given: ['Avery'], family: 'Testford', suffix: ['MD'] }], identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: '9000079197' }] },
          ],
          authorizingPrescription: [{ reference: '#rx' }],
        }),
      ),
    );
    // '#role' inside the contained request points at a sibling held by the dispense.
    expect(h.fills[0]?.writtenOn).toBe('2023-12-30');
    expect(h.fills[0]?.prescriber).toEqual({ name: 'Avery Testford, MD', npi: '9000079197' });
  });

  it('resolves relative Type/id references and absolute URLs ending in Type/id', () => {
    const json = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { fullUrl: 'http://pmp.example/fhir/MedicationDispense/md-1', resource: dispense({ authorizingPrescription: [{ reference: 'MedicationRequest/rx-1' }], performer: [{ actor: { reference: 'http://other.example/Organization/ph-1' } }] }) },
        { resource: { resourceType: 'MedicationRequest', id: 'rx-1', requester: { reference: 'Practitioner/doc-1', display: 'ignored' } } },
        { resource: { resourceType: 'Practitioner', id: 'doc-1', name: [{ text: 'Quinn Mockridge, DO' }] } },
        { resource: { resourceType: 'Organization', id: 'ph-1', name: 'Testbrook Pharmacy', address: [{ city: 'Hartford', state: 'CT' }] } },
      ],
    };
    const fill = parse(json).fills[0];
    expect(fill?.prescriber.name).toBe('Quinn Mockridge, DO');
    expect(fill?.pharmacy).toEqual({ name: 'Testbrook Pharmacy', city: 'Hartford', state: 'CT' });
  });

  it('falls back to the requester display and a medicationReference display', () => {
    const json = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { resource: dispense({ medicationCodeableConcept: undefined, medicationReference: { display: 'Tramadol HCl 50 mg tablet' }, authorizingPrescription: [{ reference: 'MedicationRequest/rx-1' }] }) },
        { resource: { resourceType: 'MedicationRequest', id: 'rx-1', requester: { display: 'Dr. Display Only' } } },
      ],
    };
    expect(parse(json).fills[0]).toMatchObject({ drug: 'Tramadol HCl 50 mg tablet', ingredient: 'tramadol', prescriber: { name: 'Dr. Display Only' } });
  });

  it('takes days supply from the prescription when the dispense lacks it', () => {
    const json = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { resource: dispense({ daysSupply: undefined, authorizingPrescription: [{ reference: 'MedicationRequest/rx-1' }] }) },
        { resource: { resourceType: 'MedicationRequest', id: 'rx-1', dispenseRequest: { expectedSupplyDuration: { value: 7 } } } },
      ],
    };
    expect(parse(json).fills[0]?.daysSupply).toBe(7);
  });

  it('skips unreadable dispenses with a warning and keeps the rest', () => {
    const h = parse(
      wrap(
        dispense(),
        dispense({ id: 'no-date', whenHandedOver: undefined }),
        dispense({ id: 'partial-date', whenHandedOver: '2024-01' }),
        dispense({ id: 'bad-quantity', quantity: { value: 'ten' } }),
      ),
    );
    expect(h.fills.map((f) => f.id)).toEqual(['md-1']);
    expect(h.warnings).toEqual(['3 dispensing records from the PMP could not be read and are not shown.']);
  });

  it('counts an entry that is not a resource at all as unreadable, and keeps the rest', () => {
    const h = parse(wrap(dispense(), { quantity: { value: 30 } }, 'text', null));
    expect(h.fills.map((f) => f.id)).toEqual(['md-1']);
    expect(h.warnings).toEqual(['3 dispensing records from the PMP could not be read and are not shown.']);
  });

  it('leaves out dispenses entered in error or cancelled', () => {
    const h = parse(wrap(dispense(), dispense({ id: 'x', status: 'entered-in-error' }), dispense({ id: 'y', status: 'cancelled' })));
    expect(h.fills.map((f) => f.id)).toEqual(['md-1']);
    expect(h.warnings).toEqual([]);
  });

  it('keeps unknown fields out of the way (tolerant schemas)', () => {
    const h = parse(wrap(dispense({ somethingNew: { deep: [1, 2, 3] }, _whenPrepared: { extension: [] } })));
    expect(h.fills).toHaveLength(1);
  });
});

describe('parseDrugText', () => {
  it.each([
    ['Oxycodone HCl 5 mg tablet', { ingredient: 'oxycodone', strengthValue: 5, strengthUnit: 'mg', strength: '5 mg' }],
    ['Oxycodone HCl 5 mg / acetaminophen 325 mg tablet', { ingredient: 'oxycodone', strengthValue: 5, strengthUnit: 'mg' }],
    ['acetaminophen 325 MG / oxycodone hydrochloride 2.5 MG Oral Tablet', { ingredient: 'oxycodone', strengthValue: 2.5, strengthUnit: 'mg' }],
    ['Acetaminophen 300 mg / Codeine 30 mg oral tablet', { ingredient: 'codeine', strengthValue: 30 }],
    ['24 HR alprazolam 1 MG Extended Release Oral Tablet', { ingredient: 'alprazolam', strengthValue: 1, strengthUnit: 'mg' }],
    ['Oxycodone HCl ER 20 mg tablet', { ingredient: 'oxycodone', strengthValue: 20 }],
    ['Fentanyl 25 mcg/hr transdermal patch', { ingredient: 'fentanyl', strengthValue: 25, strengthUnit: 'mcg/hr' }],
    ['fentanyl 0.025 MG/HR Transdermal System', { ingredient: 'fentanyl', strengthValue: 25, strengthUnit: 'mcg/hr' }],
    ['Butrans 10 MCG/HR 7 Day Transdermal System', { ingredient: 'butrans', strengthValue: 10, strengthUnit: 'mcg/hr' }],
    ['Oxycodone HCl 5 mg/5 mL oral solution', { ingredient: 'oxycodone', strengthValue: 1, strengthUnit: 'mg/mL', strength: '1 mg/mL' }],
    ['Hydrocodone bitartrate 7.5 mg / acetaminophen 325 mg per 15 mL oral solution', { ingredient: 'hydrocodone', strengthValue: 0.5, strengthUnit: 'mg/mL' }],
    ['Promethazine 6.25 mg / codeine 10 mg per 5 mL syrup', { ingredient: 'codeine', strengthValue: 2, strengthUnit: 'mg/mL' }],
    ['methadone hydrochloride 10 MG/ML Oral Concentrate', { ingredient: 'methadone', strengthValue: 10, strengthUnit: 'mg/mL' }],
    ['Buprenorphine 8 mg / naloxone 2 mg sublingual film', { ingredient: 'buprenorphine', strengthValue: 8 }],
    ['SUBOXONE 8 MG-2 MG SL FILM', { ingredient: 'suboxone', strengthValue: 8, strengthUnit: 'mg' }],
    ['METHADONE HCL 10 MG TABLET', { ingredient: 'methadone', strengthValue: 10 }],
    ['TRAMADOL HCL ER 200 MG TABLET', { ingredient: 'tramadol', strengthValue: 200 }],
    ['ZOLPIDEM TARTRATE 10 MG TABLET', { ingredient: 'zolpidem', strengthValue: 10 }],
    ['Lisdexamfetamine dimesylate 30 mg capsule', { ingredient: 'lisdexamfetamine', strengthValue: 30 }],
    ['DIVALPROEX SOD DR 125 MG TAB', { ingredient: 'divalproex', strengthValue: 125 }],
    ['HYDROPHOR 42% OINTMENT', { ingredient: 'hydrophor', strengthValue: 42, strengthUnit: '%' }],
    ['DEPO-TESTOSTERONE 200 MG/ML', { ingredient: 'depo-testosterone', strengthValue: 200, strengthUnit: 'mg/mL' }],
    // Hyphenated SCRIPT/EHR combinations: the opioid's number, never the acetaminophen's.
    ['HYDROCODONE-ACETAMINOPHEN 5-325 MG TAB', { ingredient: 'hydrocodone', strengthValue: 5, strengthUnit: 'mg' }],
    ['HYDROCODONE BITARTRATE-ACETAMINOPHEN 7.5-325 MG/15 ML SOLN', { ingredient: 'hydrocodone', strengthValue: 0.5, strengthUnit: 'mg/mL' }],
    ['acetaminophen-oxycodone 325 mg-5 mg tablet', { ingredient: 'oxycodone', strengthValue: 5, strengthUnit: 'mg' }],
    ['APAP/codeine 300/30 mg', { ingredient: 'codeine', strengthValue: 30 }],
    ['Buprenorphine-Naloxone 8-2 MG SL FILM', { ingredient: 'buprenorphine', strengthValue: 8, strengthUnit: 'mg' }],
    ['Codeine-Guaifenesin 10-100 MG/5ML', { ingredient: 'codeine', strengthValue: 2, strengthUnit: 'mg/mL' }],
    ['Dextroamphetamine-amphetamine 20 mg tablet', { ingredient: 'dextroamphetamine-amphetamine', strengthValue: 20 }],
  ])('%s', (text, expected) => {
    expect(parseDrugText(text)).toMatchObject(expected);
  });

  it.each([
    'CONTOUR NEXT TEST STRIP',
    'TESTOSTERONE PROPIONATE POWDER',
    '',
    // Ambiguous combinations give no strength rather than a wrong one.
    'Oxycodone/APAP 5/325',
    'acetaminophen-oxycodone 325 mg',
  ])('%j has no strength', (text) => {
    expect(parseDrugText(text)).toEqual({});
  });
});

describe('names', () => {
  it.each([
    ['Jordan Stubfield, MD', { text: 'Jordan Stubfield, MD', family: 'Stubfield', given: ['Jordan'], suffix: ['MD'] }],
    ['Dr. Avery Q. Testford', { text: 'Dr. Avery Q. Testford', family: 'Testford', given: ['Avery', 'Q.'], prefix: ['Dr.'] }],
    ['Testford', { text: 'Testford', family: 'Testford' }],
  ])('toHumanName(%s)', (full, expected) => {
    expect(toHumanName(full)).toEqual(expected);
  });

  it.each([
    [{ given: ['Marie'], family: 'Fiorella', suffix: ['MD'] }, 'Marie Fiorella, MD'],
    [{ family: 'Bartok' }, 'Bartok'],
    [{ text: '  Shown As Typed ' }, 'Shown As Typed'],
    [{}, undefined],
  ])('formatHumanName(%j)', (name, expected) => {
    expect(formatHumanName(name)).toBe(expected);
  });
});

describe('buildHistoryRequest / parseHistoryRequest', () => {
  const patient: PatientQuery = { given: 'Morgan', family: 'Testwell', birthDate: '1961-04-09', gender: 'female', postalCode: '06103', mrn: 'MRN-100234' };
  const prescriber: Requester = { prescriber: { name: 'Avery Testford, MD', npi: '9000079197', dea: 'FT0000000' }, organization: 'Sample Clinic' };
  const withDelegate: Requester = { ...prescriber, delegate: { name: 'Rowan Helper', role: 'Registered Nurse' } };
  const names = (p: unknown): string[] => Parameters.parse(p).parameter?.map((x) => x.name) ?? [];

  it('uses the parameter layout of IG input-parameters-1 for a prescriber', () => {
    expect(names(buildHistoryRequest(patient, prescriber))).toEqual(names(ig('Parameters-pdmp-history-input-parameters-1.json')));
  });

  it('uses the layout of IG input-parameters-4 for a delegate: the prescriber stays authorized-practitioner', () => {
    const req = buildHistoryRequest(patient, withDelegate);
    expect(names(req)).toEqual(names(ig('Parameters-pdmp-history-input-parameters-4-delegate.json')));
    const authorized = req.parameter?.find((p) => p.name === 'authorized-practitioner')?.resource;
    expect(authorized).toMatchObject({ resourceType: 'Practitioner', name: [{ family: 'Testford' }] });
  });

  it('sends a delegate without an organization as practitioner and role only', () => {
    const req = buildHistoryRequest(patient, { prescriber: { name: 'Avery Testford, MD' }, delegate: { name: 'Rowan Helper' } });
    expect(names(req)).toEqual(['patient', 'authorized-practitioner', 'delegate-practitioner', 'delegate-practitioner-role', 'pre-stage-only']);
  });

  it('sends only what it has about the patient, and never an SSN', () => {
    const req = buildHistoryRequest({ given: 'Riley', family: 'Sampleton', birthDate: '1988-11-23' }, prescriber);
    const pat = req.parameter?.[0]?.resource;
    expect(pat).toEqual({ resourceType: 'Patient', id: 'patient-req', name: [{ family: 'Sampleton', given: ['Riley'] }], birthDate: '1988-11-23' });
    expect(JSON.stringify(buildHistoryRequest(patient, prescriber))).not.toMatch(/us-ssn/);
  });

  it.each([
    ['prescriber only', prescriber],
    ['with delegate', withDelegate],
  ])('round-trips (%s)', (_label, requester) => {
    expect(parseHistoryRequest(buildHistoryRequest(patient, requester))).toEqual({ patient, requester });
  });

  it.each([
    ['input-parameters-1', 'Parameters-pdmp-history-input-parameters-1.json', { given: 'August', family: 'Samuels', birthDate: '1989-03-12', gender: 'male', postalCode: '01059' }, { prescriber: { name: 'Adam Amster', npi: '1928340565' }, organization: 'Highview Clinic' }],
    ['input-parameters-2', 'Parameters-pdmp-history-input-parameters-2-minimum.json', { given: 'August', family: 'Samuels', birthDate: '1989-03-12', gender: 'unknown' }, { prescriber: { name: 'Amster', npi: '1928340565' }, organization: 'Highview Clinic' }],
    ['input-parameters-4', 'Parameters-pdmp-history-input-parameters-4-delegate.json', { given: 'Jules', family: 'Julien', birthDate: '1980-05-20', gender: 'female', postalCode: '01742', mrn: '10035666601' }, { prescriber: { name: 'Kimble', npi: '1665015602' }, organization: 'Highview VA Clinic', delegate: { name: 'Bartok', role: 'Registered Nurse' } }],
    ['request-message-1', 'Bundle-pdmp-bundle-request-message-1.json', { given: 'August', family: 'Samuels', birthDate: '1989-03-12', gender: 'male', postalCode: '01059' }, { prescriber: { name: 'Adam Amster', npi: '1928340565' }, organization: 'Highview Clinic' }],
  ])('reads IG %s', (_label, file, expectedPatient, expectedRequester) => {
    expect(parseHistoryRequest(ig(file))).toEqual({ patient: expectedPatient, requester: expectedRequester });
  });

  it('rejects the veterinary sample: no birth date to match on', () => {
    const e = thrown(() => parseHistoryRequest(ig('Parameters-pdmp-history-input-parameters-3-veterinary.json')));
    expect(e.kind).toBe('bad-request');
    expect(e.detail).toContain('birthDate');
  });

  it.each([
    ['not Parameters', { resourceType: 'Patient' }, 'Parameters'],
    ['no patient', { resourceType: 'Parameters', parameter: [] }, 'patient'],
    [
      'no practitioner',
      { resourceType: 'Parameters', parameter: [{ name: 'patient', resource: { resourceType: 'Patient', name: [{ family: 'X', given: ['Y'] }], birthDate: '2000-01-01' } }] },
      'authorized-practitioner',
    ],
  ])('rejects %s as bad-request, naming what is missing', (_label, json, mention) => {
    const e = thrown(() => parseHistoryRequest(json));
    expect(e.kind).toBe('bad-request');
    expect(e.detail).toContain(mention);
  });

  it('does not echo patient values in its error detail', () => {
    const json = { resourceType: 'Parameters', parameter: [{ name: 'patient', resource: { resourceType: 'Patient', name: [{ family: 'Secretname', given: ['Y'] }], birthDate: '04/09/1961' } }] };
    const e = thrown(() => parseHistoryRequest(json));
    expect(e.detail).not.toContain('Secretname');
    expect(e.detail).not.toContain('1961');
  });
});

describe('parseHistoryResponse: wrong-typed fields and dangling references', () => {
  const dispense = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
    resourceType: 'MedicationDispense',
    id: 'md-1',
    status: 'completed',
    medicationCodeableConcept: { text: 'Oxycodone HCl 5 mg tablet' },
    quantity: { value: 20, unit: 'tablet' },
    daysSupply: { value: 5 },
    whenHandedOver: '2024-01-01',
    ...over,
  });
  const bundle = (...resources: unknown[]): unknown => ({ resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) });
  const one = (json: unknown): PmpHistory['fills'][number] | undefined => {
    const h = parse(json);
    expect(h.fills).toHaveLength(1);
    return h.fills[0];
  };

  it.each([
    ['an id that is a number', { id: 7 }],
    ['a status that is a number', { status: 1 }],
    ['extensions that are not a list', { extension: { url: 'x' } }],
    ['an extension without a url', { extension: [{ valueInteger: 1 }] }],
    ['an identifier with a numeric value', { identifier: [{ value: 123 }] }],
    ['a coding whose system is a number', { medicationCodeableConcept: { text: 'Oxycodone HCl 5 mg tablet', coding: [{ system: 5 }] } }],
    ['a drug text that is a list', { medicationCodeableConcept: { text: ['Oxycodone'] } }],
    ['a medicationReference that is a string', { medicationReference: 'Medication/1' }],
    ['a subject reference that is a number', { subject: { reference: 1 } }],
    ['a performer without an object', { performer: ['Pharmacy'] }],
    ['an actor whose display is a number', { performer: [{ actor: { display: 42 } }] }],
    ['authorizingPrescription that is not a list', { authorizingPrescription: { reference: 'MedicationRequest/1' } }],
    ['a quantity that is a number', { quantity: 20 }],
    ['a quantity value that is infinite', { quantity: { value: Number.POSITIVE_INFINITY } }],
    ['a days supply value that is NaN', { daysSupply: { value: Number.NaN } }],
    ['a days supply unit that is a number', { daysSupply: { value: 5, unit: 5 } }],
    ['a handed-over date that is a number', { whenHandedOver: 20240101 }],
    ['a prepared date that is null', { whenPrepared: null }],
    ['a contained entry that is not a resource', { contained: [{ id: 'rx' }] }],
    ['no quantity', { quantity: undefined }],
    ['a quantity without a value', { quantity: { unit: 'tablet' } }],
    ['no drug', { medicationCodeableConcept: undefined }],
    ['no date at all', { whenHandedOver: undefined }],
    // The Fill the dispense becomes is checked too: '5 mg per 0 mL' is not a strength.
    ['a strength that is not a number', { medicationCodeableConcept: { text: 'Oxycodone 5 mg/0 mL solution' } }],
  ])('a dispense with %s is counted as unreadable, the others are kept', (_label, over) => {
    const h = parse(wrap(dispense({ id: 'good' }), dispense(over)));
    expect(h.fills.map((f) => f.id)).toEqual(['good']);
    expect(h.warnings).toEqual(['1 dispensing record from the PMP could not be read and is not shown.']);
  });

  it('reads the date from whenPrepared when whenHandedOver is missing', () => {
    expect(one(wrap(dispense({ whenHandedOver: undefined, whenPrepared: '2023-12-31T09:00:00Z' })))?.dispensedOn).toBe('2023-12-31');
  });

  it('gives the fill its keys in the order of the Fill schema (its JSON is the same as a parsed Fill)', () => {
    const fill = one(
      wrap(
        dispense({
          extension: [{ url: 'http://hl7.org/fhir/us/pdmp/StructureDefinition/pdmp-extension-rx-fill-number', valueUnsignedInt: 2 }],
          medicationCodeableConcept: { text: 'Oxycodone HCl 5 mg tablet', coding: [{ system: 'http://hl7.org/fhir/sid/ndc', code: '0000-1' }] },
        }),
      ),
    );
    expect(Object.keys(fill ?? {})).toEqual(Object.keys(Fill.parse(fill)));
    expect(Object.keys(fill ?? {})).toEqual(['id', 'drug', 'ingredient', 'strength', 'strengthValue', 'strengthUnit', 'quantity', 'quantityUnit', 'daysSupply', 'dispensedOn', 'refillNumber', 'ndc', 'prescriber', 'pharmacy']);
  });

  it('a dangling prescription reference leaves the prescriber unreported, and the days supply must come from the dispense', () => {
    const fill = one(bundle(dispense({ authorizingPrescription: [{ reference: 'MedicationRequest/gone' }] })));
    expect(fill?.prescriber).toEqual({ name: 'Prescriber not reported' });
    const h = parse(bundle(dispense({ daysSupply: undefined, authorizingPrescription: [{ reference: 'MedicationRequest/gone' }] })));
    expect(h.fills).toEqual([]);
    expect(h.warnings).toEqual(['1 dispensing record from the PMP could not be read and is not shown.']);
  });

  it('a dangling contained reference (#id) is not resolved', () => {
    const fill = one(wrap(dispense({ contained: [{ resourceType: 'MedicationRequest', id: 'rx' }], authorizingPrescription: [{ reference: '#other' }] })));
    expect(fill?.prescriber).toEqual({ name: 'Prescriber not reported' });
  });

  it('a dangling pharmacy reference falls back to the actor display, then to "not reported"', () => {
    expect(one(bundle(dispense({ performer: [{ actor: { reference: 'Organization/gone', display: 'Shown Pharmacy' } }] })))?.pharmacy).toEqual({ name: 'Shown Pharmacy' });
    expect(one(bundle(dispense({ performer: [{ actor: { reference: 'Organization/gone' } }] })))?.pharmacy).toEqual({ name: 'Pharmacy not reported' });
  });

  it('a dangling practitioner behind a role falls back to the requester display', () => {
    const fill = one(
      bundle(
        dispense({ authorizingPrescription: [{ reference: 'MedicationRequest/rx-1' }] }),
        { resourceType: 'MedicationRequest', id: 'rx-1', requester: { reference: 'PractitionerRole/role-1', display: 'Dr. From Display' } },
        { resourceType: 'PractitionerRole', id: 'role-1', practitioner: { reference: 'Practitioner/gone' } },
      ),
    );
    expect(fill?.prescriber).toEqual({ name: 'Dr. From Display' });
  });

  it('a reference to a resource of another type is not followed', () => {
    const fill = one(
      bundle(
        dispense({ authorizingPrescription: [{ reference: 'Organization/ph-1' }], performer: [{ actor: { reference: 'Practitioner/doc-1', display: 'Actor Display' } }] }),
        { resourceType: 'Organization', id: 'ph-1', name: 'Not A Prescription' },
        { resourceType: 'Practitioner', id: 'doc-1', name: [{ text: 'Not A Pharmacy' }] },
      ),
    );
    expect(fill?.prescriber).toEqual({ name: 'Prescriber not reported' });
    expect(fill?.pharmacy).toEqual({ name: 'Actor Display' });
  });

  it('a referenced resource with wrong-typed fields is not used, and the fill is still shown', () => {
    const fill = one(
      bundle(
        dispense({ authorizingPrescription: [{ reference: 'MedicationRequest/rx-1' }], performer: [{ actor: { reference: 'Organization/ph-1', display: 'Actor Display' } }] }),
        { resourceType: 'MedicationRequest', id: 'rx-1', authoredOn: 20231230, requester: { display: 'Dr. Unused' } },
        { resourceType: 'Organization', id: 'ph-1', name: ['Listed Pharmacy'] },
      ),
    );
    expect(fill?.prescriber).toEqual({ name: 'Prescriber not reported' });
    expect(fill?.writtenOn).toBeUndefined();
    expect(fill?.pharmacy).toEqual({ name: 'Actor Display' });
  });

  it('a practitioner with a wrong-typed identifier is not used; the requester display is', () => {
    const fill = one(
      bundle(
        dispense({ authorizingPrescription: [{ reference: 'MedicationRequest/rx-1' }] }),
        { resourceType: 'MedicationRequest', id: 'rx-1', requester: { reference: 'Practitioner/doc-1', display: 'Dr. Display' } },
        { resourceType: 'Practitioner', id: 'doc-1', name: [{ text: 'Dr. Resource' }], identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: 9000079197 }] },
      ),
    );
    expect(fill?.prescriber).toEqual({ name: 'Dr. Display' });
  });

  it('a Medication with a wrong-typed code falls back to the reference display', () => {
    const fill = one(
      bundle(dispense({ medicationCodeableConcept: undefined, medicationReference: { reference: 'Medication/m-1', display: 'Tramadol HCl 50 mg tablet' } }), {
        resourceType: 'Medication',
        id: 'm-1',
        code: { text: 12 },
      }),
    );
    expect(fill?.drug).toBe('Tramadol HCl 50 mg tablet');
  });

  it('a payment extension whose value is not a Coding is left out', () => {
    const url = 'http://hl7.org/fhir/us/pdmp/StructureDefinition/pdmp-extension-method-of-payment';
    expect(one(wrap(dispense({ extension: [{ url, valueCoding: { display: 7 } }] })))?.paymentType).toBeUndefined();
    expect(one(wrap(dispense({ extension: [{ url, valueCoding: { code: '02', display: 'Medicaid' } }] })))?.paymentType).toBe('Medicaid');
  });

  it('a Patient or DetectedIssue with wrong-typed fields is left out, the fills are kept', () => {
    const h = parse(
      wrap(
        dispense(),
        { resourceType: 'Patient', name: [{ family: 'Testwell', given: 'Morgan' }], birthDate: '1961-04-09' },
        { resourceType: 'DetectedIssue', code: { text: ['Multiple provider episode'] } },
      ),
    );
    expect(h.fills).toHaveLength(1);
    expect(h.patient).toBeUndefined();
    expect(h.alerts).toEqual([]);
  });

  it.each([
    ['entries that are not a list', { resourceType: 'Bundle', type: 'collection', entry: { resource: {} } }],
    ['an entry with a numeric fullUrl', { resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 1, resource: { resourceType: 'Patient' } }] }],
    ['a Bundle without a type', { resourceType: 'Bundle', entry: [] }],
  ])('history data with %s is malformed', (_label, resource) => {
    expect(thrown(() => parse({ resourceType: 'Parameters', parameter: [{ name: 'pdmp-history-data', resource }] })).kind).toBe('malformed');
  });
});
