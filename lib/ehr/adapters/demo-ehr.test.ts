import { beforeEach, describe, expect, it } from 'vitest';
import { chartPage, DEMO_EHR_USER, orderPage, schedulePage } from '../../../server/demo-ehr/pages';
import type { SyntheticPatient } from '../../pmp/synthetic';
import { demoEhr } from './demo-ehr';

const patient: SyntheticPatient = {
  id: 'demo-chronic',
  given: 'Morgan',
  family: 'Testwell',
  birthDate: '1961-04-09',
  gender: 'female',
  postalCode: '06103',
  mrn: 'MRN-100234',
  scenario: 'chronic-opioid',
  fills: [],
} as unknown as SyntheticPatient;

function load(html: string): void {
  document.documentElement.innerHTML = new DOMParser().parseFromString(html, 'text/html').documentElement.innerHTML;
}

function set(sel: string, value: string): void {
  const el = document.querySelector<HTMLInputElement | HTMLTextAreaElement>(sel);
  if (!el) throw new Error(`no ${sel}`);
  el.value = value;
}

describe('demo EHR adapter', () => {
  beforeEach(() => {
    load(orderPage(patient));
  });

  it.each([
    [{ origin: 'http://127.0.0.1:47811', hostname: '127.0.0.1', port: '47811', pathname: '/' }, true],
    [{ origin: 'http://localhost:47811', hostname: 'localhost', port: '47811', pathname: '/x' }, true],
    [{ origin: 'http://127.0.0.1:8080', hostname: '127.0.0.1', port: '8080', pathname: '/' }, false],
    [{ origin: 'https://ehr.example', hostname: 'ehr.example', port: '', pathname: '/' }, false],
    // Other EHRs' fixture pages on the same server belong to their own adapters.
    [{ origin: 'http://127.0.0.1:47811', hostname: '127.0.0.1', port: '47811', pathname: '/fixtures/generic/chip-drug.html' }, false],
  ])('matches %j → %s', (loc, expected) => {
    expect(demoEhr.matches(loc)).toBe(expected);
  });

  it('reads the patient banner: name, DOB as ISO, MRN, sex', () => {
    expect(demoEhr.findPatient(document)).toEqual({
      name: 'Morgan Testwell',
      given: 'Morgan',
      family: 'Testwell',
      birthDate: '1961-04-09',
      mrn: 'MRN-100234',
      gender: 'female',
    });
  });

  it('finds no order until a drug is entered', () => {
    expect(demoEhr.findOrders(document)).toEqual([]);
  });

  it('reads the order fields, including values set by script', () => {
    set('#drug', 'oxycodone 5 mg tablet');
    set('#strength', '5 mg');
    set('#quantity', '#40');
    set('#sig', '1 tab PO q6h PRN pain');
    set('#refills', '0');
    const [found] = demoEhr.findOrders(document);
    expect(found?.anchor).toBe(document.querySelector('#rx-form'));
    expect(found?.confidence).toBe(1);
    expect(found?.stage).toBe('draft');
    expect(found?.fields.drug).toBe(document.querySelector('#drug'));
    expect(found?.fields.sig).toBe(document.querySelector('#sig'));
    expect(found?.order).toEqual({
      drugText: 'oxycodone 5 mg tablet',
      strength: '5 mg',
      quantity: 40,
      quantityText: '#40',
      quantityUnit: 'tablet',
      sig: '1 tab PO q6h PRN pain',
      refills: 0,
      setting: 'outpatient',
      kind: 'prescription',
    });
  });

  it('passes the long-term flag and a given days supply through', () => {
    set('#drug', 'oxycodone 5 mg tablet');
    set('#days-supply', '30');
    (document.querySelector('#long-term') as HTMLInputElement).checked = true;
    expect(demoEhr.findOrders(document)[0]?.order).toMatchObject({ daysSupply: 30, continuousTherapy: true });
  });

  it('treats the chart page (medication list, allergies) as no order', () => {
    load(chartPage({ ...patient, fills: [{ drug: 'Oxycodone 5 mg tablet', quantity: 120, quantityUnit: 'tablet', daysSupply: 30 }] } as unknown as SyntheticPatient));
    expect(demoEhr.findOrders(document)).toEqual([]);
    expect(demoEhr.findPatient(document)?.mrn).toBe('MRN-100234');
  });

  it('gives no patient when the banner lacks a DOB', () => {
    document.querySelector('.pt-dob')?.remove();
    expect(demoEhr.findPatient(document)).toBeNull();
  });

  it('reads the signed-in user from the top bar, on every page', () => {
    expect(demoEhr.findUser?.(document)).toBe('Dr. Avery Quill');
    expect(DEMO_EHR_USER).toBe('Dr. Avery Quill');
    load(schedulePage([]));
    expect(demoEhr.findUser?.(document)).toBe('Dr. Avery Quill');
  });

  it.each([
    ['no "Signed in as"', (el: Element) => { el.remove(); }],
    ['an empty name', (el: Element) => { el.textContent = '   '; }],
    ['a one-letter name', (el: Element) => { el.textContent = 'Q'; }],
    ['text far too long for a name', (el: Element) => { el.textContent = 'x'.repeat(500); }],
  ])('gives no user for %s', (_what, change) => {
    const el = document.querySelector('#ehr-user .user-name');
    if (!el) throw new Error('no user name');
    change(el);
    expect(demoEhr.findUser?.(document)).toBeNull();
  });

  it('tidies the whitespace of the name as shown', () => {
    const el = document.querySelector('#ehr-user .user-name');
    if (el) el.textContent = '\n  Dr.   Rowan\tVale ';
    expect(demoEhr.findUser?.(document)).toBe('Dr. Rowan Vale');
  });
});
