// The side panel's PMP history in Chromium with the built extension: the bundled PMP, and the real
// local FHIR server for a found patient, a patient it does not know, a partial answer, a timeout
// and a server that is down; then SMART Backend Services sign-in (a generated key, a revoked client).
// Screenshots at the narrowest panel width (360 px) go to test-results/e2e.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EHR_PORT, PMP_PORT } from '../../server/ports';
import { enterOrder, launchWithExtension, openPanelFromPrompt, waitForReviewState, type Launched } from './harness';

const EHR = `http://127.0.0.1:${String(EHR_PORT)}`;
const PMP = `http://127.0.0.1:${String(PMP_PORT)}`;
const DOWN = 'http://127.0.0.1:47819';
const SHOTS = resolve(import.meta.dirname, '../../test-results/e2e');
mkdirSync(SHOTS, { recursive: true });
const ORDER = { drug: 'oxycodone 5 mg tablet', quantity: '40', sig: '1 tab PO q6h PRN pain' };

async function setFaults(faults: { mode?: string; latencyMs?: number }): Promise<void> {
  const res = await fetch(`${PMP}/__faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  expect(res.ok).toBe(true);
}

async function options(l: Launched): Promise<Page> {
  const page = await l.context.newPage();
  await page.goto(`chrome-extension://${l.extensionId}/options.html`);
  return page;
}

async function setIdentity(l: Launched): Promise<void> {
  const page = await options(l);
  await page.getByLabel('Your name').fill('Dr. Avery Quill');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText('Saved ✓').first().waitFor();
  await page.close();
}

/** Chooses the PMP in the options page, as an administrator would. */
async function useSource(l: Launched, source: { kind: 'bundled' } | { kind: 'fhir'; baseUrl: string; timeoutSeconds?: number; token?: string }): Promise<void> {
  const page = await options(l);
  if (source.kind === 'bundled') {
    await page.getByRole('radio', { name: /Bundled synthetic PMP/ }).check();
  } else {
    await page.getByRole('radio', { name: /FHIR PDMP endpoint/ }).check();
    await page.getByLabel('FHIR PDMP base URL').fill(source.baseUrl);
    await page.getByLabel('Timeout (seconds)').fill(String(source.timeoutSeconds ?? 10));
    if (source.token !== undefined) {
      await page.locator('input[name="auth-mode"][value="bearer"]').check();
      await page.locator('input[name="token"]').fill(source.token);
    }
  }
  await page.getByRole('button', { name: 'Save connection' }).click();
  await page.getByText('Saved ✓').last().waitFor();
  await page.close();
}

/** Opens the panel for an oxycodone order on a chart, at the narrowest panel width. */
async function reviewFor(l: Launched, page: Page, patientId: string): Promise<Page> {
  await page.goto(`${EHR}/patients/${patientId}/orders/new`);
  await enterOrder(page, ORDER);
  await waitForReviewState(page, 'due');
  const { panel } = await openPanelFromPrompt(l, page);
  await panel.setViewportSize({ width: 360, height: 900 });
  return panel;
}

async function horizontalOverflow(panel: Page): Promise<number> {
  return panel.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

describe('the side panel’s PMP history', () => {
  let l: Launched;
  let page: Page;

  beforeAll(async () => {
    l = await launchWithExtension();
    await setIdentity(l);
    page = await l.context.newPage();
  });
  afterAll(async () => {
    await setFaults({});
    await l.close();
  });

  it('a new user gets the bundled PMP: flags first, timeline, fills, at 360 px, all by keyboard', async () => {
    const panel = await reviewFor(l, page, 'demo-chronic');
    await panel.locator('[data-testid="fill-row"]').first().waitFor({ timeout: 15_000 });
    await expect(panel.locator('.demo-badge').innerText()).resolves.toMatch(/demo data/i);
    await expect(panel.locator('.source').innerText()).resolves.toContain('Bundled synthetic PMP');
    // Flags come before the timeline and the fills.
    const order = await panel.locator('section[aria-label]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    expect(order.indexOf('Flags')).toBeLessThan(order.indexOf('Timeline'));
    expect(order.indexOf('Timeline')).toBeLessThan(order.indexOf('Fills'));
    expect(order.indexOf('Fills')).toBeLessThan(order.indexOf('Rule decision'));
    // Why the review is required is on screen under the patient, above the flags, without scrolling.
    const line = panel.locator('[data-testid="decision-line"]');
    await expect(line.innerText()).resolves.toMatch(/^Review required — more than a 72-hour supply of a Schedule II drug \(CT\) · CGS 21a-254\(j\)\(1\) Details$/);
    const lineBox = await line.boundingBox();
    const flagsBox = await panel.locator('section[aria-label="Flags"]').boundingBox();
    expect(lineBox && flagsBox && lineBox.y + lineBox.height <= flagsBox.y).toBe(true);
    expect(lineBox && lineBox.x >= 0 && lineBox.x + lineBox.width <= 360 && lineBox.y + lineBox.height <= 400).toBe(true);
    // Its link takes the keyboard to the full decision.
    await line.getByRole('link', { name: 'Details of the rule decision' }).focus();
    await panel.keyboard.press('Enter');
    await expect(panel.evaluate(() => document.activeElement?.getAttribute('aria-label'))).resolves.toBe('Rule decision');
    await panel.evaluate(() => {
      window.scrollTo(0, 0);
    });
    const flag = panel.locator('[data-flag-kind="opioid-benzodiazepine-overlap"]');
    await expect(flag.locator('summary').innerText()).resolves.toMatch(/Opioid and benzodiazepine overlap on 30 days, including today/);
    await expect(panel.locator('svg[role="img"] title').first().textContent()).resolves.toBe('Timeline of fills and MME/day');
    await expect(panel.locator('[data-testid="fill-row"]').count()).resolves.toBe(7);
    expect(await horizontalOverflow(panel)).toBeLessThanOrEqual(0);

    // Keyboard only: open the flag's "why", then sort the fills by drug.
    await flag.locator('summary').focus();
    await panel.keyboard.press('Enter');
    await flag.locator('.why').waitFor();
    await expect(flag.locator('.why').innerText()).resolves.toMatch(
      /\(30 days\): Oxycodone HCl 5 mg tablet \(30 days from \d{4}-\d{2}-\d{2}; 30 days from \d{4}-\d{2}-\d{2}\) with Alprazolam 0\.5 mg tablet \(30 days from \d{4}-\d{2}-\d{2}\)/,
    );
    // The fills behind the open flag are highlighted (the toggle event comes after the click).
    await panel.locator('tr.hl').nth(2).waitFor();
    await expect(panel.locator('tr.hl').count()).resolves.toBe(3);
    await panel.screenshot({ path: join(SHOTS, 'pmp-01-bundled-360.png'), fullPage: true });
    await panel.getByRole('button', { name: 'Drug' }).focus();
    await panel.keyboard.press('Enter');
    await expect(panel.locator('th[aria-sort]').innerText()).resolves.toContain('Drug');
    await expect(panel.locator('[data-testid="fill-row"] td:nth-child(2)').first().innerText()).resolves.toMatch(/^Alprazolam/);
    await panel.locator('.chart-table summary').focus();
    await panel.keyboard.press('Enter');
    await expect(panel.locator('table.steps tbody tr').count()).resolves.toBeGreaterThan(0);

    await panel.getByRole('button', { name: 'I reviewed the PMP' }).click();
    await panel.getByText('Review recorded ✓').waitFor();
    await waitForReviewState(page, 'reviewed');
    await expect(line.innerText()).resolves.toMatch(/^Reviewed — more than a 72-hour supply/);
    await panel.close();
  });

  it('the local FHIR server, a found patient: the PMP’s alert, our flags, and the report in a new tab', async () => {
    await useSource(l, { kind: 'fhir', baseUrl: PMP });
    const panel = await reviewFor(l, page, 'demo-multi');
    await panel.locator('[data-testid="fill-row"]').first().waitFor({ timeout: 15_000 });
    await expect(panel.locator('.demo-badge').count()).resolves.toBe(0);
    await expect(panel.locator('[data-flag-kind="pmp-alert"]').innerText()).resolves.toMatch(/Multiple provider episode/);
    const mpe = panel.locator('[data-flag-kind="multiple-provider-episode"]');
    await mpe.locator('summary').click();
    await expect(mpe.locator('.why').innerText()).resolves.toMatch(/8 fills from .* 6 prescribers .* 6 pharmacies/);
    await expect(panel.locator('.pmp-record').innerText()).resolves.toContain('PMP record: Casey Examplar · DOB 1975-02-17');
    expect(await horizontalOverflow(panel)).toBeLessThanOrEqual(0);
    await panel.screenshot({ path: join(SHOTS, 'pmp-02-fhir-found-360.png'), fullPage: true });

    const [report] = await Promise.all([l.context.waitForEvent('page'), panel.getByRole('link', { name: /full report/ }).click()]);
    await report.waitForLoadState();
    expect(report.url()).toMatch(new RegExp(`^${PMP}/report/`));
    await expect(report.locator('body').innerText()).resolves.toMatch(/Examplar/);
    await report.close();
    expect(panel.isClosed()).toBe(false);
    await panel.close();
  });

  it('the bearer token typed in the options is the one the side panel sends: a wrong one is refused, the right one answers', async () => {
    await useSource(l, { kind: 'fhir', baseUrl: PMP, token: 'not-the-demo-token' });
    const refused = await reviewFor(l, page, 'demo-multi');
    await refused.locator('[role="alert"][data-error-kind="unauthorized"]').waitFor({ timeout: 15_000 });
    await expect(refused.locator('[data-testid="fill-row"]').count()).resolves.toBe(0);
    await refused.close();
    await useSource(l, { kind: 'fhir', baseUrl: PMP, token: 'demo-token' });
    const answered = await reviewFor(l, page, 'demo-multi');
    await answered.locator('[data-testid="fill-row"]').first().waitFor({ timeout: 15_000 });
    await expect(answered.locator('.pmp-record').innerText()).resolves.toContain('Casey Examplar');
    await answered.close();
  });

  it('a patient the PMP does not know: "no match", and the review can still be recorded', async () => {
    const panel = await reviewFor(l, page, 'demo-not-in-pmp');
    const alert = panel.locator('[role="alert"][data-error-kind="no-match"]');
    await alert.waitFor({ timeout: 15_000 });
    await expect(alert.innerText()).resolves.toContain('No patient in the PMP matches');
    await panel.screenshot({ path: join(SHOTS, 'pmp-03-no-match-360.png'), fullPage: true });
    await panel.getByRole('button', { name: 'I reviewed the PMP (no record found)' }).click();
    await panel.getByText('Review recorded ✓').waitFor();
    await panel.close();
  });

  it('a partial answer: says what is missing and shows what came', async () => {
    await setFaults({ mode: 'partial' });
    const panel = await reviewFor(l, page, 'demo-multi');
    const note = panel.locator('[aria-label="Partial PMP answer"]');
    await note.waitFor({ timeout: 15_000 });
    await expect(note.innerText()).resolves.toMatch(/Incomplete results.*did not respond/s);
    await expect(note.innerText()).resolves.toContain('the 4 fills that came');
    await expect(panel.locator('[data-testid="fill-row"]').count()).resolves.toBe(4);
    await panel.screenshot({ path: join(SHOTS, 'pmp-04-partial-360.png'), fullPage: true });
    await panel.close();
    await setFaults({});
  });

  it('a PMP that does not answer in time: "timeout", and trying again works once it does', async () => {
    await useSource(l, { kind: 'fhir', baseUrl: PMP, timeoutSeconds: 1 });
    await setFaults({ mode: 'timeout' });
    const panel = await reviewFor(l, page, 'demo-multi');
    await panel.locator('[role="alert"][data-error-kind="timeout"]').waitFor({ timeout: 20_000 });
    await panel.screenshot({ path: join(SHOTS, 'pmp-05-timeout-360.png'), fullPage: true });
    await setFaults({});
    await panel.getByRole('button', { name: 'Try again' }).focus();
    await panel.keyboard.press('Enter');
    await panel.locator('[data-testid="fill-row"]').first().waitFor({ timeout: 15_000 });
    await panel.close();
  });

  it('a PMP server that is down: "unreachable", with the way to record that the PMP was unavailable', async () => {
    await useSource(l, { kind: 'fhir', baseUrl: DOWN });
    // Another patient: recording "PMP unavailable" settles this one's review.
    const panel = await reviewFor(l, page, 'syn-003');
    const alert = panel.locator('[role="alert"][data-error-kind="unreachable"]');
    await alert.waitFor({ timeout: 20_000 });
    await expect(alert.innerText()).resolves.toContain('The PMP could not be reached');
    await expect(panel.getByRole('button', { name: 'Try again' }).count()).resolves.toBe(1);
    await panel.screenshot({ path: join(SHOTS, 'pmp-06-down-360.png'), fullPage: true });
    await panel.getByRole('button', { name: 'Record “PMP unavailable”' }).click();
    await panel.getByText('Recorded: PMP unavailable').waitFor();
    await panel.close();
  });

  it('switching back to the bundled PMP answers with no server at all', async () => {
    await useSource(l, { kind: 'bundled' });
    const panel = await reviewFor(l, page, 'demo-multi');
    await panel.locator('[data-testid="fill-row"]').first().waitFor({ timeout: 15_000 });
    await expect(panel.locator('[data-flag-kind="multiple-provider-episode"]').count()).resolves.toBe(1);
    await panel.close();
  });

  it('SMART Backend Services: generate a key, register it, test, read the history; a revoked client is named', async () => {
    const clientId = `pmp-check-e2e-${String(Date.now())}`;
    const opts = await options(l);
    await opts.setViewportSize({ width: 900, height: 1300 });
    await opts.getByRole('radio', { name: /FHIR PDMP endpoint/ }).check();
    await opts.getByLabel('FHIR PDMP base URL').fill(PMP);
    await opts.getByRole('radio', { name: /SMART Backend Services/ }).check();
    await opts.getByLabel('Client ID', { exact: true }).fill(clientId);
    await opts.getByRole('button', { name: 'Generate a key pair' }).click();
    const jwksField = opts.getByLabel('Public key to register with the PMP (JWKS)');
    await jwksField.waitFor();
    const jwks = JSON.parse(await jwksField.inputValue()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-384', alg: 'ES384' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    // The administrator registers the shown public key with the PMP (here: the local server's test hook).
    const registered = await fetch(`${PMP}/__clients`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: clientId, jwks }) });
    expect(registered.status).toBe(201);

    await opts.getByRole('button', { name: 'Test connection' }).click();
    const report = opts.getByTestId('connection-report');
    await report.waitFor({ timeout: 20_000 });
    await expect(report.getAttribute('data-ok')).resolves.toBe('true');
    await expect(report.locator('[data-step="token"]').innerText()).resolves.toContain(`The token endpoint issued an access token to ${clientId}`);
    await expect(report.locator('[data-step="auth"]').innerText()).resolves.toContain('The access token is accepted');
    await opts.getByRole('button', { name: 'Save connection' }).click();
    await opts.getByText('Saved ✓').first().waitFor();
    await opts.locator('form[aria-label="PMP connection"]').screenshot({ path: join(SHOTS, 'pmp-07-smart-options.png') });
    // Only the public key is on the page; the private one is in local storage only.
    expect(await opts.locator('body').innerText()).not.toContain('"d"');
    const stored = await l.worker.evaluate(async () => {
      type Area = { get(k: string | null): Promise<Record<string, unknown>> };
      const api = (globalThis as unknown as { chrome: { storage: { local: Area; sync: Area } } }).chrome;
      const local = (await api.storage.local.get('settings')) as { settings?: { pmp?: { auth?: { mode?: string; privateKey?: { d?: string } } } } };
      const sync = await api.storage.sync.get(null);
      return { mode: local.settings?.pmp?.auth?.mode, hasKey: typeof local.settings?.pmp?.auth?.privateKey?.d === 'string', syncKeys: Object.keys(sync).length };
    });
    expect(stored).toEqual({ mode: 'smart-backend', hasKey: true, syncKeys: 0 });

    const panel = await reviewFor(l, page, 'demo-multi');
    await panel.locator('[data-testid="fill-row"]').first().waitFor({ timeout: 15_000 });
    await expect(panel.locator('.pmp-record').innerText()).resolves.toContain('PMP record: Casey Examplar · DOB 1975-02-17');
    await panel.screenshot({ path: join(SHOTS, 'pmp-08-smart-found-360.png'), fullPage: true });
    await panel.close();

    // Revoked at the PMP: the cached token stops working, and a new one is refused (invalid_client).
    expect((await fetch(`${PMP}/__clients/${clientId}`, { method: 'DELETE' })).status).toBe(200);
    const refused = await reviewFor(l, page, 'demo-multi');
    const alert = refused.locator('[role="alert"][data-error-kind="unauthorized"]');
    await alert.waitFor({ timeout: 20_000 });
    await expect(alert.innerText()).resolves.toContain('The PMP does not recognise this extension (invalid client)');
    await refused.screenshot({ path: join(SHOTS, 'pmp-09-smart-revoked-360.png'), fullPage: true });
    await refused.close();

    await opts.getByRole('button', { name: 'Test connection' }).click();
    await report.locator('[data-step="token"].bad').waitFor({ timeout: 20_000 });
    await expect(report.getAttribute('data-problem')).resolves.toBe('invalid-client');
    await expect(report.locator('[data-step="token"]').innerText()).resolves.toMatch(/refused this client \(invalid_client\).*Unknown client/s);
    await opts.locator('form[aria-label="PMP connection"]').screenshot({ path: join(SHOTS, 'pmp-10-smart-options-revoked.png') });
    await opts.close();
  });
});
