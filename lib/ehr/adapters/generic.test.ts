import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { MIN_CONFIDENCE, runController } from '../controller';
import { frameViewOf } from '../dom';
import { fakeBackground, loadFixturePage, loadHtml, readFixture, startFixtureServer } from '../test-helpers';
import { fieldForLabel, generic, labelOf, patientFromBanner } from './generic';

const MORGAN = { name: 'Morgan Testwell', given: 'Morgan', family: 'Testwell', birthDate: '1961-04-09', mrn: 'MRN-100234', gender: 'female' };

async function load(rel: string): Promise<void> {
  await loadHtml(readFixture(`generic/${rel}`), { url: `http://127.0.0.1:47811/fixtures/generic/${rel}` });
}

/** What the controller would act on: orders at or above the confidence threshold. */
function shown(): ReturnType<typeof generic.findOrders> {
  return generic.findOrders(document).filter((c) => c.confidence >= MIN_CONFIDENCE);
}

describe('reading labels', () => {
  it.each([
    ['Medication', 'drug'],
    ['Drug name', 'drug'],
    ['Rx', 'drug'],
    ['Qty', 'quantity'],
    ['Quantity (tabs)', 'quantity'],
    ['Dispense', 'quantity'],
    ['#', 'quantity'],
    ['Sig', 'sig'],
    ['Directions', 'sig'],
    ['Patient instructions', 'sig'],
    ['Days supply', 'daysSupply'],
    ["Day's supply", 'daysSupply'],
    ['Supply (days)', 'daysSupply'],
    ['Refills', 'refills'],
    ['Strength', 'strength'],
    ['Allergen', undefined],
    ['Drug allergy', undefined],
    ['Reaction', undefined],
    ['Pharmacy instructions', undefined],
    ['Indication', undefined],
    ['Clinical note', undefined],
    ['Medical record number', undefined],
    ['', undefined],
  ])('%j names %j', (label, field) => {
    expect(fieldForLabel(label)).toBe(field);
  });

  it.each([
    ['<label for="x">Quantity</label><input id="x">', 'Quantity', 'for'],
    ['<span id="l">Directions</span><input id="x" aria-labelledby="l">', 'Directions', 'aria-labelledby'],
    ['<label>Medication <input id="x"></label>', 'Medication', 'wrapping-label'],
    ['<input id="x" aria-label="Days supply">', 'Days supply', 'aria-label'],
    ['<table><thead><tr><th>Drug</th><th>Qty</th></tr></thead><tbody><tr><td></td><td><input id="x"></td></tr></tbody></table>', 'Qty', 'table-header'],
    ['<div><span>Sig:</span> <input id="x"></div>', 'Sig:', 'nearby-text'],
    ['<input id="x" name="days_supply">', 'days supply', 'attributes'],
  ])('%s → %j by %s', (html, text, how) => {
    document.body.innerHTML = html;
    const el = document.querySelector('#x');
    if (!el) throw new Error('no #x');
    const labels = new Map([...document.querySelectorAll('label[for]')].map((l) => [l.getAttribute('for') ?? '', l]));
    expect(labelOf(el, (_root, id) => labels.get(id))).toEqual({ text, how });
  });
});

describe('the generic reader on fixture pages', () => {
  it.each([
    ['label-for.html', { drugText: 'oxycodone 5 mg tablet', quantity: 40, sig: '1 tab po q6h prn pain' }],
    ['aria-labelledby.html', { drugText: 'ALPRAZolam 0.5 mg tablet', quantity: 60, sig: '1 tab by mouth twice daily' }],
    ['nearby-text.html', { drugText: 'hydrocodone-acetaminophen 5-325 mg tablet', quantity: 60, quantityText: '#60', sig: '1-2 tab po q4-6h prn' }],
    ['table-grid.html', { drugText: 'oxycodone 5 mg tablet', quantity: 40, sig: '1 tab q6h prn', refills: 0 }],
    ['chip-drug.html', { drugText: 'oxyCODONE 5 mg tablet', rxcui: '9900003', quantity: 40, sig: '1 tablet every 6 hours as needed' }],
  ])('%s: one order, read from its labels, above the threshold', async (file, order) => {
    await load(file);
    const found = shown();
    expect(found).toHaveLength(1);
    expect(found[0]?.order).toMatchObject({ ...order, kind: 'prescription' });
    expect(generic.findPatient(document, found[0]?.anchor)).toEqual(MORGAN);
  });

  it('anchors a grid order to its own row, and skips the non-controlled row beside it', async () => {
    await load('table-grid.html');
    const found = generic.findOrders(document);
    expect(found.map((c) => c.anchor.id)).toEqual(['row1']);
  });

  it.each([
    ['medication-list.html', 'a medication list and a reconciliation grid'],
    ['allergy-entry.html', 'an allergy entry naming codeine'],
    ['print-preview.html', 'a print preview with read-only fields'],
    ['fhir-text.html', 'FHIR JSON, narrative and a clinical note'],
    ['non-controlled.html', 'an amoxicillin order'],
    ['unlabeled.html', 'a page with no labels at all'],
  ])('%s (%s) stays silent', async (file) => {
    await load(file);
    expect(shown()).toEqual([]);
  });

  it('does not even ask about a non-controlled drug', async () => {
    await load('non-controlled.html');
    expect(generic.findOrders(document)).toEqual([]);
  });

  it('reads a patient banner with MRN and sex; none without a DOB', () => {
    document.body.innerHTML = '<div class="pt-header"><b class="pt-name">Testwell, Morgan</b> DOB: 04/09/1961 · MRN: MRN-100234 · Sex: F</div>';
    const banner = document.querySelector('.pt-header');
    if (!banner) throw new Error('no banner');
    expect(patientFromBanner(banner)).toEqual(MORGAN);
    document.body.innerHTML = '<div class="pt-header"><b class="pt-name">Testwell, Morgan</b> MRN: MRN-100234</div>';
    expect(generic.findPatient(document)).toBeNull();
    document.body.innerHTML = '<div class="patient-banner">Patient: Morgan Testwell · Date of birth: Apr 9, 1961</div>';
    expect(generic.findPatient(document)).toMatchObject({ name: 'Morgan Testwell', birthDate: '1961-04-09' });
  });

  it('caches what it found for one page structure and looks again when the structure changes', async () => {
    await load('label-for.html');
    const scan = { generation: 1, shadowRoots: [] };
    expect(generic.findOrders(document, scan)).toHaveLength(1);
    const input = document.querySelector<HTMLInputElement>('#f-qty');
    if (input) input.value = '12';
    expect(generic.findOrders(document, scan)[0]?.order.quantity).toBe(12); // values re-read every time
    document.querySelector('form')?.remove();
    expect(generic.findOrders(document, scan)).toEqual([]); // the form is gone: looked again
  });
});

describe('the generic reader on scripted fixture pages', () => {
  let server: Awaited<ReturnType<typeof startFixtureServer>>;
  let abort: AbortController;
  let bg: ReturnType<typeof fakeBackground>;
  beforeAll(async () => {
    server = await startFixtureServer();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    abort = new AbortController();
    bg = fakeBackground();
  });
  afterEach(() => {
    abort.abort();
  });
  const prompt = (doc: Document = document) => doc.querySelector('pmp-check-prompt');
  const fill = (doc: Document | ShadowRoot, values: Record<string, string>) => {
    for (const [sel, v] of Object.entries(values)) {
      const el = doc.querySelector<HTMLInputElement>(sel);
      if (!el) throw new Error(sel);
      el.value = v;
      el.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    }
  };

  it('reads a form inside an open shadow root and prompts inside it', async () => {
    await loadFixturePage(server.url, '/fixtures/generic/shadow.html');
    runController(generic, document, abort.signal);
    const root = document.querySelector('ehr-order-form')?.shadowRoot;
    if (!root) throw new Error('no shadow root');
    fill(root, { '#s-drug': 'oxycodone 5 mg tablet', '#s-qty': '40', '#s-sig': '1 tab q6h prn' });
    await vi.waitFor(() => {
      expect(root.querySelector('pmp-check-prompt')?.getAttribute('data-pmp-review')).toBe('due');
    });
    expect(bg.evaluations[0]?.patient).toEqual(MORGAN);
  });

  it('notices values a script set with no event (order favourites)', async () => {
    await loadFixturePage(server.url, '/fixtures/generic/script-values.html');
    runController(generic, document, abort.signal, { pollMs: 100 });
    document.querySelector<HTMLElement>('#fav-oxy')?.click();
    await vi.waitFor(() => {
      expect(prompt()?.getAttribute('data-pmp-review')).toBe('due');
    });
    document.querySelector<HTMLElement>('#fav-amox')?.click();
    await vi.waitFor(() => {
      expect(prompt()).toBeNull(); // amoxicillin: not controlled, not even asked about
    });
  });

  it('finds a form that a single-page app renders later, after a pushState', async () => {
    await loadFixturePage(server.url, '/fixtures/generic/spa/chart?auto=1');
    runController(generic, document, abort.signal);
    await vi.waitFor(() => {
      expect(document.querySelector('#spa-rx')).not.toBeNull();
    });
    expect(location.pathname).toBe('/fixtures/generic/spa/orders/new');
    fill(document, { '#p-drug': 'oxycodone 5 mg tablet', '#p-qty': '40', '#p-sig': '1 tab q6h prn' });
    await vi.waitFor(() => {
      expect(prompt()?.getAttribute('data-pmp-review')).toBe('due');
    });
  });

  it('never mixes patients: a hidden tab\'s order for another patient is silent, and shown it is that patient\'s', async () => {
    await loadFixturePage(server.url, '/fixtures/generic/stale-tabs.html');
    runController(generic, document, abort.signal, { pollMs: 100 });
    await new Promise((r) => setTimeout(r, 300));
    expect(bg.evaluations).toEqual([]);
    document.querySelector<HTMLElement>('#tab-b')?.click();
    await vi.waitFor(() => {
      expect(prompt()?.getAttribute('data-pmp-review')).toBe('due');
    });
    expect(bg.evaluations.map((e) => e.patient.family)).toEqual(['Mockford']);
    document.querySelector<HTMLElement>('#tab-a')?.click();
    await vi.waitFor(() => {
      expect(prompt()).toBeNull();
    });
  });

  it('prompts for an order staged in "pending, not yet signed" and goes silent once signed', async () => {
    await loadFixturePage(server.url, '/fixtures/generic/staging.html');
    runController(generic, document, abort.signal);
    fill(document, { '#g-drug': 'oxycodone 5 mg tablet', '#g-qty': '40', '#g-sig': '1 tab q6h prn' });
    await vi.waitFor(() => {
      expect(prompt()?.getAttribute('data-pmp-review')).toBe('due');
    });
    document.querySelector<HTMLElement>('#stage')?.click();
    await vi.waitFor(() => {
      expect(prompt()?.previousElementSibling?.id).toBe('pending');
    });
    expect(generic.findOrders(document).map((c) => c.stage)).toEqual(['staged']);
    expect(prompt()?.getAttribute('data-pmp-for')).toBe('oxycodone 5 mg tablet');
    expect(document.querySelector('#pending')?.querySelector('pmp-check-prompt')).toBeNull();
    document.querySelector<HTMLElement>('#sign-all')?.click();
    await vi.waitFor(() => {
      expect(prompt()).toBeNull();
    });
    expect(document.querySelector('#signed')?.textContent).toContain('oxycodone');
  });

  it('reads the banner two frames up for a form in nested same-origin iframes', async () => {
    await loadFixturePage(server.url, '/fixtures/generic/nested/top.html');
    await vi.waitFor(() => {
      const inner = document.querySelector<HTMLIFrameElement>('#workspace')?.contentDocument?.querySelector<HTMLIFrameElement>('#orders');
      expect(inner?.contentDocument?.querySelector('#nested-rx')).not.toBeNull();
    });
    const innerWin = document.querySelector<HTMLIFrameElement>('#workspace')?.contentDocument?.querySelector<HTMLIFrameElement>('#orders')?.contentWindow;
    if (!innerWin) throw new Error('no inner frame');
    const view = frameViewOf(innerWin);
    expect(view.ancestors).toHaveLength(2);
    runController(generic, innerWin.document, abort.signal, { frame: view });
    fill(innerWin.document, { '#n-drug': 'oxycodone 5 mg tablet', '#n-qty': '40', '#n-sig': '1 tab q6h prn' });
    await vi.waitFor(() => {
      expect(prompt(innerWin.document)?.getAttribute('data-pmp-review')).toBe('due');
    });
    expect(bg.evaluations[0]?.patient).toEqual(MORGAN);
  });
});
