import { describe, expect, it } from 'vitest';
import { exportMappings, FieldMapping, importMappings, mappingFor, mergeMappings, parseStoredMappings } from './mapping';
import { originPattern, toOrigin } from './origin';

const m = (origin: string, over: Partial<FieldMapping> = {}): FieldMapping => ({
  version: 1,
  origin,
  fields: { drug: { path: ['#drug'], label: 'Medication' }, patientName: { path: ['.pt > span:nth-of-type(1)'] }, patientDob: { path: ['.pt > span:nth-of-type(2)'] } },
  savedAt: '2025-11-20T10:00:00.000Z',
  ...over,
});

describe('origins', () => {
  it.each([
    ['https://ehr.example.org', 'https://ehr.example.org'],
    ['ehr.example.org', 'https://ehr.example.org'],
    ['https://ehr.example.org/openemr/interface/main/tabs/main.php?x=1', 'https://ehr.example.org'],
    ['http://127.0.0.2:47811/', 'http://127.0.0.2:47811'],
    ['  HTTPS://EHR.Example.org:443  ', 'https://ehr.example.org'],
  ])('%j → %j', (input, origin) => {
    expect(toOrigin(input)).toEqual({ ok: true, origin });
  });

  it.each([
    ['', 'Enter the EHR address'],
    ['https://*.example.org', 'without wildcards'],
    ['*://*/*', 'without wildcards'],
    ['ftp://files.example.org', 'Only http:// and https://'],
    ['chrome://extensions', 'Only http:// and https://'],
    ['http://', 'is not a web address'],
    ['file:///etc/passwd', 'Only http:// and https://'],
  ])('refuses %j with a clear reason', (input, reason) => {
    const r = toOrigin(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(reason);
  });

  it('grants and registers one origin, never a wildcard', () => {
    expect(originPattern('https://ehr.example.org')).toBe('https://ehr.example.org/*');
  });
});

describe('field mappings', () => {
  it('keeps valid stored mappings and drops broken ones without throwing', () => {
    const stored = { a: m('https://a.example'), b: { origin: 'https://b.example', fields: {} }, c: 'nonsense', d: m('not an origin') };
    expect(parseStoredMappings(stored).map((x) => x.origin)).toEqual(['https://a.example']);
    expect(parseStoredMappings(null)).toEqual([]);
    expect(parseStoredMappings('x')).toEqual([]);
  });

  it('requires the drug and the patient\'s name and DOB', () => {
    const { patientDob: _dob, ...fields } = m('https://a.example').fields;
    expect(FieldMapping.safeParse({ ...m('https://a.example'), fields }).success).toBe(false);
    expect(FieldMapping.safeParse({ ...m('https://a.example'), fields: { ...fields, patientDob: { path: [] } } }).success).toBe(false);
  });

  it('picks the mapping for a page: same origin, the longest matching path prefix', () => {
    const all = [m('https://a.example'), m('https://a.example', { pathPrefix: '/erx/' }), m('https://b.example')];
    expect(mappingFor(all, { origin: 'https://a.example', pathname: '/erx/new' })?.pathPrefix).toBe('/erx/');
    expect(mappingFor(all, { origin: 'https://a.example', pathname: '/chart' })?.pathPrefix).toBeUndefined();
    expect(mappingFor(all, { origin: 'https://c.example', pathname: '/' })).toBeUndefined();
  });

  it('round-trips through export and import', () => {
    const text = exportMappings([m('https://a.example'), m('https://b.example')]);
    expect(JSON.parse(text)).toMatchObject({ kind: 'pmp-check.field-mappings', version: 1 });
    expect(importMappings(text)).toEqual({ mappings: [m('https://a.example'), m('https://b.example')], refused: [] });
  });

  it('imports the good entries and refuses each bad one with its reason', () => {
    const text = JSON.stringify({ kind: 'pmp-check.field-mappings', version: 1, mappings: [m('https://a.example'), { ...m('https://b.example'), fields: {} }, 42, m('javascript:alert(1)')] });
    const r = importMappings(text);
    expect(r.mappings.map((x) => x.origin)).toEqual(['https://a.example']);
    expect(r.refused).toEqual([
      { index: 1, origin: 'https://b.example', reason: expect.stringContaining('fields.drug') as unknown as string },
      { index: 2, reason: expect.any(String) as unknown as string },
      { index: 3, origin: 'javascript:alert(1)', reason: expect.stringContaining('origin') as unknown as string },
    ]);
  });

  it.each([
    ['not json', 'not JSON'],
    ['{"kind":"something else","version":1,"mappings":[]}', 'not a PMP Check field-mapping export'],
    ['[]', 'not a PMP Check field-mapping export'],
  ])('refuses the file %j with a clear message', (text, message) => {
    expect(() => importMappings(text)).toThrow(message);
  });

  it('merges: one mapping per origin and path, the newer replaces the older', () => {
    const older = m('https://a.example');
    const newer = m('https://a.example', { savedAt: '2025-11-21T10:00:00.000Z' });
    const merged = mergeMappings({ 'https://a.example': older, junk: 1 }, [newer, m('https://a.example', { pathPrefix: '/erx/' })]);
    expect(Object.keys(merged).sort()).toEqual(['https://a.example', 'https://a.example/erx/']);
    expect(merged['https://a.example']?.savedAt).toBe('2025-11-21T10:00:00.000Z');
  });
});
