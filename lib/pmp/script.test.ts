// @vitest-environment node
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PmpError } from './errors';
import { Bundle, parseHistoryResponse } from './fhir';
import type { PmpHistory } from './history';
import { parseXml, scriptToFhirBundle, scriptToHistoryParameters, xmlChild, xmlText } from './script';

const DIR = fileURLToPath(new URL('../../test/fixtures/pmp/ncpdp-script/', import.meta.url));
const xml = (name: string): string => readFileSync(`${DIR}${name}`, 'utf8');
const history = (name: string): PmpHistory => parseHistoryResponse(scriptToHistoryParameters(xml(name)), 'script');

function thrown(fn: () => unknown): PmpError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PmpError) return e;
    throw e;
  }
  throw new Error('expected a PmpError');
}

const message = (body: string): string => `<Message><Header><SentTime>2024-01-01T00:00:00Z</SentTime></Header><Body>${body}</Body></Message>`;

describe('parseXml', () => {
  it.each([
    ['entities', '<a>&lt;b&gt; &amp; &quot;&apos; &#65;&#x42;</a>', '<b> & "\' AB'],
    ['CDATA', '<a><![CDATA[<raw & text>]]></a>', '<raw & text>'],
    ['a BOM, declaration and comment before the root', '\uFEFF<?xml version="1.0"?><!-- note <x> --><a>ok</a>', 'ok'],
    ['a namespace prefix', '<ns:a xmlns:ns="urn:x">ok</ns:a>', 'ok'],
    ['an unknown entity kept as is', '<a>&nbsp;</a>', '&nbsp;'],
    ['a stray less-than in text', '<a>1 < 2</a>', '1 < 2'],
  ])('reads %s', (_label, source, text) => {
    expect(parseXml(source).text).toBe(text);
  });

  it('reads attributes in either quote style and self-closing elements', () => {
    const el = parseXml(`<a one="1" two='2' p:three="&amp;"><b/><c>x</c></a>`);
    expect(el.attributes).toEqual({ one: '1', two: '2', three: '&' });
    expect(el.children.map((c) => c.name)).toEqual(['b', 'c']);
    expect(xmlText(el, 'c')).toBe('x');
    expect(xmlText(el, 'b')).toBeUndefined();
  });

  it('tolerates a stray closing tag and unclosed elements', () => {
    const el = parseXml('<a><b>1</x></b><c>2</a>');
    expect(xmlText(el, 'b')).toBe('1');
    expect(xmlText(el, 'c')).toBe('2');
  });

  it('does not expand a DOCTYPE', () => {
    const el = parseXml('<!DOCTYPE a [<!ENTITY x "boom">]><a>&x;</a>');
    expect(el.name).toBe('a');
  });

  it.each(['', 'just text', '<!-- only a comment -->'])('has no root in %j', (source) => {
    expect(thrown(() => parseXml(source)).kind).toBe('malformed');
  });

  it('walks paths with xmlChild', () => {
    const el = parseXml('<a><b><c>deep</c></b></a>');
    expect(xmlChild(el, 'b', 'c')?.text).toBe('deep');
    expect(xmlChild(el, 'b', 'missing', 'c')).toBeUndefined();
  });
});

describe('scriptToFhirBundle on the sample responses', () => {
  it.each([
    ['script-fhir-facade/rxhistory-response.20170701.xml', { given: 'Luke', family: 'Skywalker', birthDate: '1977-01-12', postalCode: '98001' }, 10],
    ['script-fhir-facade/rxhistory-response.106.xml', { given: 'Luke', family: 'Skywalker', birthDate: '1977-01-12', postalCode: '36830' }, 38],
    ['pdmp-mock-data/20170701__charles-dickens-1977-01-12.xml', { given: 'Charles', family: 'Dickens', birthDate: '1977-01-12' }, 7],
    ['pdmp-mock-data/106__charles-dickens-1977-01-12.xml', { given: 'Charles', family: 'Dickens', birthDate: '1977-01-12' }, 6],
    ['pdmp-mock-data/20170701__betty-bupe-1953-02-13.xml', { given: 'Betty', family: 'Bupe', birthDate: '1953-02-13', gender: 'female' }, 3],
    ['pdmp-mock-data/20170701__missing-mme-1940-10-01.xml', { given: 'Missing', family: 'Mme', birthDate: '1940-10-01' }, 3],
  ])('%s', (file, patient, count) => {
    expect(Bundle.safeParse(scriptToFhirBundle(xml(file))).success).toBe(true);
    const h = history(file);
    expect(h.patient).toMatchObject(patient);
    expect(h.fills).toHaveLength(count);
    expect(h.warnings).toEqual([]);
  });

  it('maps a 2017071 dispense completely', () => {
    const tramadol = history('script-fhir-facade/rxhistory-response.20170701.xml').fills.find((f) => f.drug === 'TRAMADOL HCL ER 200 MG TABLET');
    expect(tramadol).toMatchObject({
      ingredient: 'tramadol',
      strengthValue: 200,
      strengthUnit: 'mg',
      quantity: 11,
      daysSupply: 12,
      dispensedOn: '2020-04-21',
      writtenOn: '2020-04-18',
      rxNumber: '8747878',
      ndc: '68180069806',
      prescriber: { name: 'RICHARD SCHAFFER', dea: 'BS5710341' },
      pharmacy: { name: 'KMART OPERATIONS LLC', city: 'ANDERSON', state: 'SC' },
    });
    // NPI '0' is SCRIPT's placeholder for none.
    expect(tramadol?.prescriber.npi).toBeUndefined();
  });

  it('maps a 10.6 dispense (namespace, ProductCodeQualifier, StoreName, Prescriber without NonVeterinarian)', () => {
    const h = history('pdmp-mock-data/106__charles-dickens-1977-01-12.xml');
    const percocet = h.fills.find((f) => f.drug.startsWith('acetaminophen 325 MG / oxycodone'));
    expect(percocet).toMatchObject({ ingredient: 'oxycodone', strengthValue: 2.5, quantity: 90, daysSupply: 45, dispensedOn: '2020-11-07', ndc: '13107004301', refillNumber: 0 });
    expect(percocet?.prescriber.name).toBe('Sue Prescriber');
  });

  it('drops placeholder identifiers (DEA XX0000000, Rx 0000000)', () => {
    const fill = history('pdmp-mock-data/20170701__betty-bupe-1953-02-13.xml').fills[0];
    expect(fill?.prescriber).toEqual({ name: 'Stan Lee' });
    expect(fill?.rxNumber).toBeUndefined();
    expect(fill).toMatchObject({ ingredient: 'buprenorphine', strengthValue: 20, strengthUnit: 'mcg/hr' });
  });

  it('keeps one Practitioner and one Organization per identity', () => {
    const b = scriptToFhirBundle(xml('script-fhir-facade/rxhistory-response.20170701.xml'));
    const count = (t: string): number => (b.entry ?? []).filter((e) => e.resource?.resourceType === t).length;
    expect(count('MedicationDispense')).toBe(10);
    expect(count('Organization')).toBe(1);
    expect(count('Practitioner')).toBe(10);
  });

  it('is deterministic', () => {
    const f = 'script-fhir-facade/rxhistory-response.106.xml';
    expect(scriptToFhirBundle(xml(f))).toEqual(scriptToFhirBundle(xml(f)));
  });

  it('NIST conformance response: shared pharmacy/prescriber, RxNorm codes, and no days supply (so not shown)', () => {
    const b = scriptToFhirBundle(xml('nist/RxHistoryResponse-2017071-NIST.xml'));
    const dispenses = (b.entry ?? []).filter((e) => e.resource?.resourceType === 'MedicationDispense');
    expect(dispenses).toHaveLength(49);
    expect(JSON.stringify(dispenses[0])).toContain('"code":"310798"');
    const h = history('nist/RxHistoryResponse-2017071-NIST.xml');
    expect(h.fills).toEqual([]);
    expect(h.warnings).toEqual(['49 dispensing records from the PMP could not be read and are not shown.']);
  });
});

describe('SCRIPT errors', () => {
  it('Error 900 (no_results.xml) is no-match, and the IG no-data outcome for the facade', () => {
    expect(thrown(() => scriptToFhirBundle(xml('script-fhir-facade/no_results.xml'))).kind).toBe('no-match');
    const p = scriptToHistoryParameters(xml('script-fhir-facade/no_results.xml'));
    expect(JSON.stringify(p)).toContain('"code":"no-data"');
    expect(thrown(() => history('script-fhir-facade/no_results.xml')).kind).toBe('no-match');
  });

  it.each([
    ['another Error code', message('<Error><Code>601</Code><Description>Receiver unable to process</Description></Error>'), 'server-error'],
    ['a denial', message('<RxHistoryResponse><Response><Denied><ReasonCode>AE</ReasonCode></Denied></Response></RxHistoryResponse>'), 'server-error'],
  ])('%s -> %s', (_label, source, kind) => {
    expect(thrown(() => scriptToFhirBundle(source)).kind).toBe(kind);
    expect(thrown(() => parseHistoryResponse(scriptToHistoryParameters(source), 'script')).kind).toBe(kind);
  });

  it.each([
    ['the request sample', xml('nist/RxHistoryRequest-2017071-NIST.xml')],
    ['another root', '<Other/>'],
    ['not XML', 'not xml at all'],
  ])('%s is malformed', (_label, source) => {
    expect(thrown(() => scriptToFhirBundle(source)).kind).toBe('malformed');
    expect(thrown(() => scriptToHistoryParameters(source)).kind).toBe('malformed');
  });

  it('an empty approved response is a known patient without fills', () => {
    const source = message('<RxHistoryResponse><Response><Approved/></Response><Patient><HumanPatient><Name><LastName>Sampleton</LastName><FirstName>Riley</FirstName></Name><DateOfBirth><Date>1988-11-23</Date></DateOfBirth></HumanPatient></Patient></RxHistoryResponse>');
    const h = parseHistoryResponse(scriptToHistoryParameters(source), 'script');
    expect(h.fills).toEqual([]);
    expect(h.patient).toMatchObject({ given: 'Riley', family: 'Sampleton', birthDate: '1988-11-23' });
  });
});
