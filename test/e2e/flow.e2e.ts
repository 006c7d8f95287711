import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EHR_PORT, PMP_PORT } from '../../server/ports';
import { enterOrder, launchWithExtension, openPanelFromPrompt, prompt, promptText, waitForReviewState, type Launched } from './harness';

const EHR = `http://127.0.0.1:${String(EHR_PORT)}`;
const PMP = `http://127.0.0.1:${String(PMP_PORT)}`;
const SHOTS = resolve(import.meta.dirname, '../../test-results/e2e');
mkdirSync(SHOTS, { recursive: true });

async function setFaults(mode: string): Promise<void> {
  const res = await fetch(`${PMP}/__faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode }) });
  expect(res.ok).toBe(true);
}

async function setIdentity(l: Launched): Promise<void> {
  const page = await l.context.newPage();
  await page.goto(`chrome-extension://${l.extensionId}/options.html`);
  await page.getByLabel('Your name').fill('Dr. Avery Quill');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText('Saved ✓').first().waitFor();
  await page.close();
}

/** These tests inject faults into the local FHIR PMP server, so it must be the source (a new user starts on the bundled PMP). */
async function useLocalPmpServer(l: Launched): Promise<void> {
  const page = await l.context.newPage();
  await page.goto(`chrome-extension://${l.extensionId}/options.html`);
  await page.getByRole('radio', { name: /FHIR PDMP endpoint/ }).check();
  await expect(page.getByLabel('FHIR PDMP base URL').inputValue()).resolves.toBe(PMP);
  await page.getByRole('button', { name: 'Save connection' }).click();
  await page.getByText('Saved ✓').last().waitFor();
  await page.close();
}

describe('the prescriber flow in Chromium with the built extension', () => {
  let l: Launched;
  let page: Page;

  beforeAll(async () => {
    l = await launchWithExtension();
    await setIdentity(l);
    await useLocalPmpServer(l);
    page = await l.context.newPage();
  });
  afterAll(async () => {
    await setFaults('none');
    await l.close();
  });

  it('prompts for oxycodone #40 1 tab q6h PRN (10 days) with the CT 72-hour rule', async () => {
    await page.goto(`${EHR}/patients/demo-chronic/orders/new`);
    await enterOrder(page, { drug: 'oxycodone 5 mg tablet', quantity: '40', sig: '1 tab PO q6h PRN pain' });
    await waitForReviewState(page, 'due');
    const host = prompt(page);
    await expect(host.getAttribute('data-pmp-rule')).resolves.toBe('ct-72h-supply');
    const text = await promptText(page);
    expect(text).toContain('PMP review required — more than a 72-hour supply of a Schedule II drug (CT)');
    expect(text).toContain('10 days');
    await page.screenshot({ path: join(SHOTS, '01-prompt-due.png') });
  });

  it('the prompt sits in the page flow and covers none of the EHR controls', async () => {
    const box = await prompt(page).boundingBox();
    expect(box).not.toBeNull();
    for (const sel of ['#drug', '#quantity', '#sig', '#days-supply', '#refills', '#sign']) {
      const b = await page.locator(sel).boundingBox();
      expect(b).not.toBeNull();
      if (!box || !b) continue;
      const overlaps = box.x < b.x + b.width && b.x < box.x + box.width && box.y < b.y + b.height && b.y < box.y + box.height;
      expect(overlaps, `prompt overlaps ${sel}`).toBe(false);
    }
  });

  it('shows no prompt for #12 1 tab q6h (exactly 3 days)', async () => {
    await page.locator('#quantity').fill('12');
    await page.locator('#sig').fill('1 tab q6h');
    await waitForReviewState(page, 'not-required');
    await expect(prompt(page).isVisible()).resolves.toBe(false);
  });

  it('shows no prompt for amoxicillin', async () => {
    await page.goto(`${EHR}/patients/demo-chronic/orders/new`);
    await enterOrder(page, { drug: 'amoxicillin 500 mg capsule', quantity: '30', sig: '1 cap po tid x 10 days' });
    await waitForReviewState(page, 'not-required');
    await expect(prompt(page).isVisible()).resolves.toBe(false);
  });

  it('stays silent on the chart page, whose medication list names oxycodone', async () => {
    await page.goto(`${EHR}/patients/demo-chronic`);
    expect(await page.locator('.med-list').innerText()).toMatch(/oxycodone/i);
    await page.waitForTimeout(600);
    await expect(page.locator('pmp-check-prompt').count()).resolves.toBe(0);
  });

  it('opens the side panel on this patient, lists the PMP fills, records the review, and stays reviewed after reload', async () => {
    await page.goto(`${EHR}/patients/demo-chronic/orders/new`);
    await enterOrder(page, { drug: 'oxycodone 5 mg tablet', quantity: '40', sig: '1 tab PO q6h PRN pain' });
    await waitForReviewState(page, 'due');
    const { panel, realSidePanel } = await openPanelFromPrompt(l, page);
    expect(realSidePanel, 'the click opened Chrome\'s side panel').toBe(true);
    await panel.locator('h1', { hasText: 'Morgan Testwell' }).waitFor();
    await panel.locator('[data-testid="fill-row"]').first().waitFor({ timeout: 15_000 });
    const rows = await panel.locator('[data-testid="fill-row"]').count();
    expect(rows).toBeGreaterThan(3);
    const table = await panel.locator('table.fills').innerText();
    expect(table).toMatch(/oxycodone/i);
    expect(table).toMatch(/alprazolam/i);
    await panel.screenshot({ path: join(SHOTS, '02-side-panel-history.png') });

    await panel.getByRole('button', { name: 'I reviewed the PMP' }).click();
    await panel.getByText('Review recorded ✓').waitFor();
    await waitForReviewState(page, 'reviewed');
    await expect(promptText(page)).resolves.toMatch(/Reviewed ✓ \d{1,2}:\d{2}/);
    await page.screenshot({ path: join(SHOTS, '03-prompt-reviewed.png') });

    await page.reload();
    await enterOrder(page, { drug: 'oxycodone 5 mg tablet', quantity: '40', sig: '1 tab PO q6h PRN pain' });
    await waitForReviewState(page, 'reviewed');
    await panel.close();
  });

  it('exports the attestation log as CSV from the options page', async () => {
    const opts = await l.context.newPage();
    await opts.goto(`chrome-extension://${l.extensionId}/options.html`);
    await opts.getByTestId('chain-status').filter({ hasText: 'hash chain intact' }).waitFor();
    const [download] = await Promise.all([opts.waitForEvent('download'), opts.getByRole('button', { name: 'Export CSV' }).click()]);
    const path = await download.path();
    const csv = readFileSync(path, 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toContain('"outcome"');
    expect(lines.length).toBe(2);
    expect(lines[1]).toContain('"reviewed"');
    expect(lines[1]).toContain('"MRN-100234"');
    expect(lines[1]).toContain('"ct-72h-supply"');
    expect(lines[1]).toContain('"Dr. Avery Quill"');
    expect(csv).not.toMatch(/Testwell/); // only MRN + initials + DOB are kept, not the name
    await opts.screenshot({ path: join(SHOTS, '04-options-log.png'), fullPage: true });
    await opts.close();
  });

  it.each([
    ['error500', 'server-error', 'demo-multi'],
    ['malformed', 'malformed', 'demo-naive'],
  ])('a bad PMP answer (%s) shows a clear error and still lets the prescriber record "PMP unavailable"', async (mode, kind, patientId) => {
    await setFaults(mode);
    await page.goto(`${EHR}/patients/${patientId}/orders/new`);
    await enterOrder(page, { drug: 'oxycodone 5 mg tablet', quantity: '40', sig: '1 tab PO q6h PRN pain' });
    await waitForReviewState(page, 'due');
    const { panel } = await openPanelFromPrompt(l, page);
    await panel.locator(`[role="alert"][data-error-kind="${kind}"]`).waitFor({ timeout: 20_000 });
    await panel.screenshot({ path: join(SHOTS, `05-pmp-${mode}.png`) });
    await panel.getByRole('button', { name: 'Record “PMP unavailable”' }).click();
    await panel.getByText('Recorded: PMP unavailable').waitFor();
    await waitForReviewState(page, 'pmp-unavailable');
    await panel.close();
    await setFaults('none');
  });

  it('a PMP server that is down shows "unreachable" and still lets the prescriber record "PMP unavailable"', async () => {
    const opts = await l.context.newPage();
    await opts.goto(`chrome-extension://${l.extensionId}/options.html`);
    await opts.getByLabel('FHIR PDMP base URL').fill('http://127.0.0.1:47819');
    await opts.getByRole('button', { name: 'Save connection' }).click();
    await opts.getByText('Saved ✓').last().waitFor();
    const patientId = (await page.evaluate(() => fetch('/').then((r) => r.text()))).match(/\/patients\/([\w-]+)"/g)?.[3]?.slice(10, -1);
    expect(patientId).toBeTruthy();
    await page.goto(`${EHR}/patients/${patientId ?? ''}/orders/new`);
    await enterOrder(page, { drug: 'alprazolam 0.5 mg tablet', quantity: '60', sig: '1 tab po bid' });
    await waitForReviewState(page, 'due');
    const { panel } = await openPanelFromPrompt(l, page);
    await panel.locator('[role="alert"][data-error-kind="unreachable"]').waitFor({ timeout: 20_000 });
    await panel.screenshot({ path: join(SHOTS, '06-pmp-down.png') });
    await panel.getByRole('button', { name: 'Record “PMP unavailable”' }).click();
    await panel.getByText('Recorded: PMP unavailable').waitFor();
    await waitForReviewState(page, 'pmp-unavailable');
    await panel.close();
    await opts.getByLabel('FHIR PDMP base URL').fill(PMP);
    await opts.getByRole('button', { name: 'Save connection' }).click();
    await opts.close();
  });
});
