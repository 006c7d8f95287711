import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runController } from '../controller';
import { frameViewOf } from '../dom';
import { fakeBackground, loadFixturePage, startFixtureServer } from '../test-helpers';
import { intervalWords, openEmr, splitRxcui } from './openemr';

let server: Awaited<ReturnType<typeof startFixtureServer>>;
beforeAll(async () => {
  server = await startFixtureServer();
});
afterAll(async () => {
  await server.close();
});

const RX = '/fixtures/openemr/controller.php?prescription&edit&id=&pid=1';

describe('OpenEMR adapter', () => {
  it.each([
    ['/openemr/interface/main/tabs/main.php', true],
    ['/interface/patient_file/summary/demographics.php', true],
    ['/openemr/controller.php', true],
    ['/fixtures/openemr/controller.php', true],
    ['/openmrs/spa/patient/x/chart', false],
    ['/', false],
  ])('matches %s → %s', (pathname, expected) => {
    expect(openEmr.matches({ origin: 'https://emr.example', hostname: 'emr.example', port: '', pathname })).toBe(expected);
  });

  it.each([
    ['q.6h', 'every 6 hours'],
    ['q.4h', 'every 4 hours'],
    ['q.12h', 'every 12 hours'],
    ['b.i.d.', 'twice a day'],
    ['t.i.d.', 'three times a day'],
    ['q.i.d.', 'four times a day'],
    ['q.d.', 'once a day'],
    ['h.s.', 'at bedtime'],
    ['p.r.n.', 'as needed'],
    ['Weekly', 'Weekly'],
  ])('interval %j reads as %j (never "every 0.6 hours")', (title, words) => {
    expect(intervalWords(title)).toBe(words);
  });

  it.each([
    ['ALPRAZolam 0.5 MG Oral Tablet (RxCUI: 9900004)', { drugText: 'ALPRAZolam 0.5 MG Oral Tablet', rxcui: '9900004' }],
    ['oxycodone 5 mg', { drugText: 'oxycodone 5 mg' }],
    ['Percocet (brand) 5/325', { drugText: 'Percocet (brand) 5/325' }],
  ])('splits %j', (text, parts) => {
    expect(splitRxcui(text)).toEqual(parts);
  });

  it('finds no order in an empty prescription form', async () => {
    await loadFixturePage(server.url, RX);
    expect(openEmr.findOrders(document)).toEqual([]);
  });

  it('reads an existing prescription: the select2 drug, Medicine Units, and directions from the selects\' visible text', async () => {
    await loadFixturePage(server.url, '/fixtures/openemr/controller.php?prescription&edit&id=12&pid=7&fixture_fill=alprazolam');
    const [c] = openEmr.findOrders(document);
    expect(c?.order).toEqual({
      drugText: 'ALPRAZolam 0.5 MG Oral Tablet',
      rxcui: '9900004',
      strength: '0.5 mg',
      doseForm: 'tablet',
      quantity: 60,
      quantityText: '60',
      quantityUnit: 'tablet',
      sig: '1 tablet by mouth twice a day',
      refills: 0,
      setting: 'outpatient',
      kind: 'prescription',
    });
    expect(c?.fields.drug).toBe(document.querySelector('select#drug'));
    expect(c?.anchor).toBe(document.querySelector('#directions_row'));
  });

  it('reads a drug chosen through the select2 widget (an option added by script, no change event)', async () => {
    await loadFixturePage(server.url, RX);
    document.querySelector<HTMLElement>('.select2-selection')?.click();
    const search = document.querySelector<HTMLInputElement>('.select2-search__field');
    if (!search) throw new Error('no select2 search');
    search.value = 'oxycodone hydro';
    search.dispatchEvent(new Event('input', { bubbles: true }));
    const result = [...document.querySelectorAll('.select2-results__option')].find((li) => li.textContent.includes('RxCUI'));
    result?.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
    const q = document.querySelector<HTMLInputElement>('#quantity');
    if (q) q.value = '40';
    const pick = (name: string, text: string): void => {
      const sel = document.querySelector<HTMLSelectElement>(`select#${name}`);
      const opt = [...(sel?.options ?? [])].find((o) => o.text === text);
      if (sel && opt) sel.value = opt.value;
    };
    const dosage = document.querySelector<HTMLInputElement>('#dosage');
    if (dosage) dosage.value = '1';
    pick('form', 'tablet');
    pick('route', 'Per Oris');
    pick('interval', 'q.6h');
    const [c] = openEmr.findOrders(document);
    expect(c?.order).toMatchObject({ drugText: 'oxyCODONE Hydrochloride 5 MG Oral Tablet', rxcui: '9900003', quantity: 40, sig: '1 tablet by mouth every 6 hours' });
    expect(document.querySelector<HTMLInputElement>('#rxnorm_drugcode')?.value).toBe('9900003');
  });

  it('reads the signed-in user from the top frame\'s user menu (hidden until opened); none in a tab frame', async () => {
    await loadFixturePage(server.url, '/fixtures/openemr/interface/main/tabs/main.php');
    expect(getComputedStyle(document.querySelector('#userdropdown') ?? document.body).display).toBe('none');
    expect(openEmr.findUser?.(document)).toBe('Avery Quill');
    const lname = document.querySelector('#username [data-bind="text:lname"]');
    if (lname) lname.textContent = '';
    expect(openEmr.findUser?.(document)).toBe('Avery');
    const fname = document.querySelector('#username [data-bind="text:fname"]');
    if (fname) fname.textContent = '';
    expect(openEmr.findUser?.(document)).toBeNull();
    await loadFixturePage(server.url, RX);
    expect(openEmr.findUser?.(document)).toBeNull();
  });

  it('reads the patient from the top frame\'s banner, and none from a page without it', async () => {
    await loadFixturePage(server.url, '/fixtures/openemr/interface/main/tabs/main.php');
    expect(openEmr.findPatient(document)).toEqual({ name: 'Riley Mockford', given: 'Riley', family: 'Mockford', birthDate: '1975-02-14', mrn: '100301' });
    await loadFixturePage(server.url, RX);
    expect(openEmr.findPatient(document)).toBeNull();
  });
});

describe('OpenEMR in frames: the banner in the top frame, prescriptions in tabs', () => {
  let abort: AbortController;
  let bg: ReturnType<typeof fakeBackground>;
  beforeEach(() => {
    abort = new AbortController();
    bg = fakeBackground();
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    abort.abort();
  });

  function frameWindow(name: string): Window {
    const f = document.querySelector<HTMLIFrameElement>(`iframe[name="${name}"]`);
    if (!f?.contentWindow) throw new Error(`no frame ${name}`);
    return f.contentWindow;
  }
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('prompts for the open prescription with the top banner\'s patient; goes silent when hidden and when another patient is chosen', async () => {
    await loadFixturePage(server.url, '/fixtures/openemr/interface/main/tabs/main.php');
    const rx = frameWindow('rx0');
    runController(openEmr, rx.document, abort.signal, { frame: frameViewOf(rx), pollMs: 100 });
    await vi.waitFor(() => {
      expect(rx.document.querySelector('pmp-check-prompt')).not.toBeNull();
    });
    expect(bg.evaluations[0]?.patient).toMatchObject({ given: 'Riley', family: 'Mockford', birthDate: '1975-02-14', mrn: '100301' });
    expect(bg.evaluations[0]?.order).toMatchObject({ drugText: 'ALPRAZolam 0.5 MG Oral Tablet', quantity: 60 });

    // Choosing Morgan Testwell in the finder: the dashboard tab reloads for her and comes forward.
    const top = window as unknown as { fixtureSelectPatient(pid: string): void };
    top.fixtureSelectPatient('1');
    await vi.waitFor(() => {
      expect(rx.document.querySelector('pmp-check-prompt')).toBeNull();
    });
    // The old prescription tab brought back: it was opened for Riley, the banner says Morgan.
    document.querySelector<HTMLElement>('.tabSpan[data-tab="rx0"]')?.click();
    const q = rx.document.querySelector<HTMLInputElement>('#quantity');
    if (q) q.value = '90';
    await wait(400);
    expect(rx.document.querySelector('pmp-check-prompt')).toBeNull();
    expect(bg.evaluations.every((e) => e.patient.family === 'Mockford')).toBe(true);
  });
});
