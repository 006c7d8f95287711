import { describe, expect, it } from 'vitest';
import { locatorFor, resolveLocator } from '../locator';
import type { FieldMapping } from '../mapping';
import { loadHtml, readFixture } from '../test-helpers';
import { pickAdapter } from './index';
import { mappedAdapter } from './mapped';

const el = (sel: string): Element => {
  const e = document.querySelector(sel);
  if (!e) throw new Error(sel);
  return e;
};

describe('locators (where a mapped field is)', () => {
  it.each([
    ['<input id="drug-field">', '#drug-field', ['#drug-field']],
    ['<input name="qty"><input name="sig">', 'input[name="qty"]', ['input[name="qty"]']],
    ['<input data-testid="dose">', 'input', ['input[data-testid="dose"]']],
    // Generated ids ("downshift-:r3:-input", "k91") are not kept: a structural path instead.
    ['<div id="form"><div><input id="downshift-:r3:-input"></div><div><input id="k91"></div></div>', '#k91', ['#form > div:nth-of-type(2) > input']],
  ])('%s: %s → %j', (html, sel, path) => {
    document.body.innerHTML = html;
    expect(locatorFor(el(sel)).path).toEqual(path);
    expect(resolveLocator(document, { path })).toBe(el(sel));
  });

  it('crosses open shadow roots', () => {
    document.body.innerHTML = '<x-form id="wc"></x-form>';
    const root = el('#wc').attachShadow({ mode: 'open' });
    root.innerHTML = '<label for="q">Quantity</label><input id="q">';
    const input = root.querySelector('#q');
    if (!input) throw new Error('no input');
    const loc = locatorFor(input);
    expect(loc).toEqual({ path: ['#wc', '#q'], label: 'Quantity' });
    expect(resolveLocator(document, loc)).toBe(input);
  });

  it('keeps no label for patient fields, and never the value', () => {
    document.body.innerHTML = '<label for="n">Patient</label><input id="n" value="Testwell, Morgan">';
    const loc = locatorFor(el('#n'), false);
    expect(loc).toEqual({ path: ['#n'] });
    expect(JSON.stringify(locatorFor(el('#n')))).not.toContain('Testwell');
  });

  it('falls back to the label words when the page changed its structure, and to null when nothing fits', () => {
    document.body.innerHTML = '<label for="new-id">Quantity</label><input id="new-id">';
    expect(resolveLocator(document, { path: ['#old-id'], label: 'Quantity' })).toBe(el('#new-id'));
    expect(resolveLocator(document, { path: ['#old-id'], label: 'Sig' })).toBeNull();
    expect(resolveLocator(document, { path: ['div >>> bad selector ((('] })).toBeNull();
  });
});

describe('an adapter made from a field mapping', () => {
  const mapping: FieldMapping = {
    version: 1,
    origin: 'http://127.0.0.2:47811',
    fields: {
      drug: { path: ['.z1 > div:nth-of-type(2) > input'] },
      quantity: { path: ['#k92'] },
      sig: { path: ['.z1 textarea'] },
      daysSupply: { path: ['#k94'] },
      patientName: { path: ['.q8x-a'] },
      patientDob: { path: ['.q8x-b'] },
      patientMrn: { path: ['.q8x-c'] },
    },
    savedAt: '2025-11-20T10:00:00.000Z',
  };

  it('reads a page nothing else can read (no labels at all)', async () => {
    await loadHtml(readFixture('generic/unlabeled.html'));
    const a = mappedAdapter(mapping);
    expect(a.findOrders(document)).toEqual([]);
    for (const [id, v] of [['k91', 'oxycodone 5 mg tablet'], ['k92', '40'], ['k94', '']] as const) {
      const input = document.querySelector<HTMLInputElement>(`#${id}`);
      if (input) input.value = v;
    }
    const sig = document.querySelector('textarea');
    if (sig) sig.value = '1 tab q6h prn';
    const [c] = a.findOrders(document);
    expect(c?.order).toEqual({ drugText: 'oxycodone 5 mg tablet', quantity: 40, quantityText: '40', sig: '1 tab q6h prn', kind: 'prescription' });
    expect(c?.anchor).toBe(document.querySelector('.z1'));
    expect(a.findPatient(document)).toEqual({ name: 'Morgan Testwell', given: 'Morgan', family: 'Testwell', birthDate: '1961-04-09', mrn: 'MRN-100234' });
  });

  it('finds no patient where the mapped banner is missing', async () => {
    await loadHtml(readFixture('generic/label-for.html'));
    expect(mappedAdapter(mapping).findPatient(document)).toBeNull();
  });

  it.each([
    [{ origin: 'http://127.0.0.2:47811', pathname: '/fixtures/generic/unlabeled.html' }, true],
    [{ origin: 'http://127.0.0.2:47812', pathname: '/' }, false],
  ])('applies to %j → %s', (loc, applies) => {
    expect(mappedAdapter(mapping).matches({ ...loc, hostname: '', port: '' })).toBe(applies);
  });
});

describe('choosing the adapter for a page', () => {
  const loc = (origin: string, pathname: string) => {
    const u = new URL(origin);
    return { origin, hostname: u.hostname, port: u.port, pathname };
  };
  const mapping: FieldMapping = {
    version: 1,
    origin: 'https://ehr.example',
    fields: { drug: { path: ['#d'] }, patientName: { path: ['#n'] }, patientDob: { path: ['#b'] } },
    savedAt: '2025-11-20T10:00:00.000Z',
  };
  const site = (adapter: 'auto' | 'openemr' | 'openmrs' | 'generic') => ({ origin: 'https://ehr.example', adapter, addedAt: '2025-11-20T10:00:00.000Z' });

  it.each([
    ['the demo EHR', loc('http://127.0.0.1:47811', '/patients/demo-chronic/orders/new'), {}, 'demo-ehr'],
    ['an OpenEMR page', loc('https://ehr.example', '/openemr/controller.php'), {}, 'openemr'],
    ['an O3 page', loc('https://ehr.example', '/openmrs/spa/patient/x/chart'), {}, 'openmrs'],
    ['a fixture page on the demo server', loc('http://127.0.0.1:47811', '/fixtures/generic/label-for.html'), {}, 'generic'],
    ['an unknown EHR', loc('https://ehr.example', '/emr/rx'), {}, 'generic'],
    ['an admin\'s mapping, before anything else', loc('https://ehr.example', '/openemr/controller.php'), { mappings: [mapping] }, 'mapped'],
    ['the site\'s chosen reader', loc('https://ehr.example', '/emr/rx'), { site: site('openemr') }, 'openemr'],
    ['"read by labels" chosen for a recognised EHR', loc('https://ehr.example', '/openmrs/spa/x'), { site: site('generic') }, 'generic'],
  ])('%s → %s', (_what, location, options, id) => {
    expect(pickAdapter(location, options).id).toBe(id);
  });
});
