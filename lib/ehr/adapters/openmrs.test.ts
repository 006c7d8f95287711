import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runController } from '../controller';
import { fakeBackground, loadFixturePage, startFixtureServer } from '../test-helpers';
import { openMrs } from './openmrs';

let server: Awaited<ReturnType<typeof startFixtureServer>>;
beforeAll(async () => {
  server = await startFixtureServer();
});
afterAll(async () => {
  await server.close();
});

const CHART = '/fixtures/openmrs/openmrs/spa/patient/8673ee4f-e2ab-4077-ba55-4980f408773e/chart/Patient%20Summary';

function $(sel: string): HTMLElement {
  const el = document.querySelector<HTMLElement>(sel);
  if (!el) throw new Error(`no ${sel}`);
  return el;
}
const input = (sel: string): HTMLInputElement => $(sel) as HTMLInputElement;

function typeInto(el: HTMLInputElement, value: string): void {
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

function choose(comboId: string, item: string): void {
  input(`#${comboId}`).click();
  const option = [...document.querySelectorAll('[role=option]')].find((o) => o.textContent === item);
  if (!option) throw new Error(`no option ${item}`);
  option.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
}

async function openOrderForm(drug: string): Promise<void> {
  $('#order-basket-button').click();
  await vi.waitFor(() => $('#drug-search'));
  typeInto(input('#drug-search'), drug);
  const tile = [...document.querySelectorAll('[class*="__searchResultTile___"]')][0];
  [...(tile?.querySelectorAll('button') ?? [])].find((b) => b.textContent === 'Order form')?.click();
}

async function fillOxycodone(): Promise<void> {
  await openOrderForm('oxy');
  typeInto(input('#doseSelection'), '1');
  choose('dosingUnits', 'Tablet');
  choose('editRoute', 'Oral');
  choose('editFrequency', 'Every six hours');
  typeInto(input('#durationInput'), '10');
}

describe('OpenMRS 3 adapter', () => {
  beforeEach(async () => {
    await loadFixturePage(server.url, CHART);
  });

  it.each([
    ['/openmrs/spa/patient/abc/chart/Patient%20Summary', true],
    ['/fixtures/openmrs/openmrs/spa/home', true],
    ['/openmrs/index.htm', false],
    ['/interface/main/tabs/main.php', false],
  ])('matches %s → %s', (pathname, expected) => {
    expect(openMrs.matches({ origin: 'https://o3.example', hostname: 'o3.example', port: '', pathname })).toBe(expected);
  });

  it('reads the patient banner (hashed class names), and finds no order on the chart: the medication list is not one', () => {
    expect(openMrs.findPatient(document)).toEqual({ name: 'Morgan Testwell', given: 'Morgan', family: 'Testwell', birthDate: '1961-04-09', mrn: '100J9W', gender: 'female' });
    expect(document.querySelector('#med-rows')?.textContent).toMatch(/oxyCODONE/);
    expect(openMrs.findOrders(document)).toEqual([]);
  });

  it('reads the signed-in user from the user menu panel (rendered while closed), not its other items', () => {
    expect(document.querySelector('#user-menu-panel')?.classList.contains('cds--header-panel--expanded')).toBe(false);
    expect(openMrs.findUser?.(document)).toBe('Avery Quill');
    document.querySelector('[data-extension-id="user-panel-switcher"]')?.remove();
    expect(openMrs.findUser?.(document)).toBeNull();
  });

  it('finds the drug only in the form header, and nothing more until the form is filled', async () => {
    await openOrderForm('oxy');
    const [c] = openMrs.findOrders(document);
    expect(c?.order).toEqual({ drugText: 'oxyCODONE 5 mg tablet', strength: '5mg', quantityUnit: undefined, setting: 'outpatient', kind: 'prescription', durationDays: undefined, ...{} } as never);
    expect(c?.fields.drug?.tagName).toBe('STRONG');
    expect(c?.patientHint).toEqual({ name: 'Morgan Testwell', birthDate: '1961-04-09' });
  });

  it('reads the dose, route, frequency and the quantity the form computed by script; duration in days', async () => {
    await fillOxycodone();
    // Computed by the page: ceil(1 × 4 a day × 10 days), set with no input event.
    expect(input('#quantityDispensed').value).toBe('40');
    const [c] = openMrs.findOrders(document);
    expect(c?.order).toEqual({
      drugText: 'oxyCODONE 5 mg tablet',
      strength: '5mg',
      quantity: 40,
      quantityText: '40',
      quantityUnit: 'Tablet',
      sig: '1 Tablet Oral Every six hours',
      durationDays: 10,
      setting: 'outpatient',
      kind: 'prescription',
    });
    expect(c?.stage).toBe('draft');
    expect(c?.anchor.querySelector('#medicationInfo')).not.toBeNull();
  });

  it.each([
    ['Weeks', 2, 14],
    ['Months', 1, 30],
  ])('converts a duration in %s to days', async (unit, n, days) => {
    await fillOxycodone();
    typeInto(input('#durationInput'), String(n));
    choose('durationUnitPlaceholder', unit);
    expect(openMrs.findOrders(document)[0]?.order.durationDays).toBe(days);
  });

  it('uses the free-text dosage as the sig when the toggle is on', async () => {
    await fillOxycodone();
    $('#freeTextDosageToggle').click();
    const free = [...document.querySelectorAll('label')].find((l) => l.textContent === 'Free text dosage' && l.getAttribute('for')?.startsWith('text-area'));
    const area = document.getElementById(free?.getAttribute('for') ?? '') as HTMLTextAreaElement | null;
    if (!area) throw new Error('no free text box');
    area.value = '1 tab q4h prn severe pain';
    expect(openMrs.findOrders(document)[0]?.order.sig).toBe('1 tab q4h prn severe pain');
  });

  it('reads a staged basket item (saved, not yet signed), and nothing after "Sign and close"', async () => {
    await fillOxycodone();
    ($('#drugOrderForm') as HTMLFormElement).requestSubmit();
    await vi.waitFor(() => $('[role="listitem"]'));
    const [tile] = openMrs.findOrders(document);
    expect(tile?.stage).toBe('staged');
    expect(tile?.order).toEqual({ drugText: 'oxyCODONE 5 mg tablet', strength: '5mg', quantity: 40, quantityText: '40', quantityUnit: 'tablet', sig: '1 Tablet Oral Every six hours', refills: 0, setting: 'outpatient', kind: 'prescription' });
    $('#sign-and-close').click();
    expect(openMrs.findOrders(document)).toEqual([]);
    expect(document.querySelector('#med-rows')?.textContent).toContain('QUANTITY 40 tablet');
  });
});

describe('OpenMRS 3 with the controller: a workspace that appears later', () => {
  let abort: AbortController;
  let bg: ReturnType<typeof fakeBackground>;
  beforeEach(async () => {
    await loadFixturePage(server.url, CHART);
    abort = new AbortController();
    bg = fakeBackground();
  });
  afterEach(() => {
    abort.abort();
  });

  it('prompts beside the medication header once the computed quantity is in, and keeps prompting for the staged order', async () => {
    runController(openMrs, document, abort.signal, { pollMs: 100 });
    await fillOxycodone();
    await vi.waitFor(() => {
      expect(document.querySelector('pmp-check-prompt')?.getAttribute('data-pmp-review')).toBe('due');
    });
    const host = $('pmp-check-prompt');
    expect(host.previousElementSibling?.querySelector('#medicationInfo')).not.toBeNull();
    expect(bg.evaluations.at(-1)?.order.quantity).toBe(40);
    expect(bg.evaluations.at(-1)?.patient).toMatchObject({ given: 'Morgan', family: 'Testwell', mrn: '100J9W' });
    ($('#drugOrderForm') as HTMLFormElement).requestSubmit();
    await vi.waitFor(() => {
      expect(document.querySelector('pmp-check-prompt')?.previousElementSibling?.getAttribute('role')).toBe('listitem');
    });
    $('#sign-and-close').click();
    await vi.waitFor(() => {
      expect(document.querySelector('pmp-check-prompt')).toBeNull();
    });
  });
});
