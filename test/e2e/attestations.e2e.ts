// Delegates and the practice's log in Chromium with the built extension, on two machines (two
// browser profiles): a delegate reviews for a prescriber and exports the log; the prescriber
// imports it, sees the delegate's review on the prompt and acknowledges it; the prescriber's
// export verifies on the command line, and a tampered copy is refused on import.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EHR_PORT } from '../../server/ports';
import { enterOrder, launchWithExtension, openPanelFromPrompt, prompt, promptText, tabIdOf, waitForReviewState, type Launched } from './harness';

const ROOT = resolve(import.meta.dirname, '../..');
const EHR = `http://127.0.0.1:${String(EHR_PORT)}`;
const SHOTS = resolve(ROOT, 'test-results/e2e');
mkdirSync(SHOTS, { recursive: true });
const ORDER = { drug: 'oxycodone 5 mg tablet', quantity: '40', sig: '1 tab PO q6h PRN pain' };

async function options(l: Launched): Promise<Page> {
  const page = await l.context.newPage();
  await page.goto(`chrome-extension://${l.extensionId}/options.html`);
  await page.getByRole('heading', { name: 'Attestation log' }).waitFor();
  return page;
}

async function saveDownload(page: Page, buttonName: string, file: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: buttonName }).click()]);
  const path = join(SHOTS, file);
  await download.saveAs(path);
  return path;
}

/** Sends a typed message to the background from an extension page, as the prompt or panel would. */
async function sendFromPage(page: Page, type: string, data: unknown): Promise<{ ok: boolean; value?: Record<string, unknown>; error?: string }> {
  return page.evaluate(
    ([t, d]) => (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<{ ok: boolean; value?: Record<string, unknown>; error?: string }> } } }).chrome.runtime.sendMessage({ type: t, data: d }),
    [type, data] as const,
  );
}

function verifyLog(text: string): { status: number | null; out: Record<string, unknown> } {
  const r = spawnSync('npx', ['tsx', 'scripts/cli.ts', 'verify-log'], { cwd: ROOT, input: text, encoding: 'utf8' });
  return { status: r.status, out: JSON.parse(r.stdout.trim() || '{}') as Record<string, unknown> };
}

describe('delegates and the practice log, across two machines', () => {
  let delegate: Launched;
  let prescriber: Launched;
  const launched: Launched[] = [];
  let delegateExport = '';
  let prescriberExport = '';

  beforeAll(async () => {
    delegate = await launchWithExtension();
    launched.push(delegate);
    prescriber = await launchWithExtension();
    launched.push(prescriber);
  });
  afterAll(async () => {
    // Only what did launch is closed; a failed launch is reported by beforeAll itself.
    for (const l of launched) await l.close();
  });

  it('a delegate says who they are and which prescribers they review for', async () => {
    const page = await options(delegate);
    await page.getByLabel('Your name').fill('Sam Nurse');
    await page.getByRole('radio', { name: /Delegate/ }).check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved ✓').first().waitFor();
    // Dr. Quill second: the side panel must preselect him because the EHR shows him signed in.
    await page.getByLabel("Prescriber's name").fill('Dr. Rowan Vale');
    await page.getByRole('button', { name: 'Add a prescriber' }).click();
    await page.getByLabel("Prescriber's name").last().fill('Dr. Avery Quill');
    // A bad NPI is refused with a clear message, and nothing is saved.
    await page.getByLabel('NPI').last().fill('12345');
    await page.getByRole('button', { name: 'Save prescribers' }).click();
    await page.getByText('An NPI has 10 digits').waitFor();
    await page.getByLabel('NPI').last().fill('1234567893');
    await page.getByLabel('DEA number').last().fill('aq1234563');
    await page.getByRole('button', { name: 'Save prescribers' }).click();
    await page.getByText('Prescribers saved ✓').waitFor();
    await page.locator('section', { has: page.getByRole('heading', { name: /Delegates/ }) }).screenshot({ path: join(SHOTS, 'att-01-delegate-options.png') });
    await page.close();
  });

  it('the delegate reviews for Dr. Quill from the side panel; the record names both', async () => {
    const ehr = await delegate.context.newPage();
    await ehr.goto(`${EHR}/patients/demo-chronic/orders/new`);
    await enterOrder(ehr, ORDER);
    await waitForReviewState(ehr, 'due');
    const { panel } = await openPanelFromPrompt(delegate, ehr);
    // The demo EHR's top bar says "Signed in as Dr. Avery Quill": he is preselected, not the first listed.
    await expect(ehr.locator('#ehr-user').innerText()).resolves.toBe('Signed in as Dr. Avery Quill');
    const picker = panel.getByLabel('Reviewing for prescriber');
    await picker.waitFor();
    await expect(picker.inputValue()).resolves.toBe('Dr. Avery Quill');
    await expect(picker.locator('option').allInnerTexts()).resolves.toEqual(['Dr. Rowan Vale', 'Dr. Avery Quill (NPI 1234567893)']);
    await panel.getByText('The EHR shows Dr. Avery Quill signed in.').waitFor();
    await panel.locator('[data-testid="fill-row"]').first().waitFor({ timeout: 20_000 });
    await panel.screenshot({ path: join(SHOTS, 'att-02-delegate-side-panel.png') });
    await panel.getByRole('button', { name: 'I reviewed the PMP' }).click();
    await panel.getByText('Review recorded ✓').waitFor();
    await waitForReviewState(ehr, 'reviewed');
    await expect(promptText(ehr)).resolves.toMatch(/by Sam Nurse/);
    await panel.close();
    await ehr.close();

    const page = await options(delegate);
    await page.getByTestId('chain-status').filter({ hasText: 'hash chain intact' }).waitFor();
    const row = page.getByTestId('log-row').first();
    await expect(row.innerText()).resolves.toMatch(/Sam Nurse \(delegate\)\s+Dr\. Avery Quill/);
    delegateExport = readFileSync(await saveDownload(page, 'Export JSON (with hash chains)', 'att-delegate-log.json'), 'utf8');
    expect(delegateExport).not.toMatch(/Testwell/);
    await page.close();
  });

  it('the prescriber imports the delegate\'s log: verified, merged, reported', async () => {
    const page = await options(prescriber);
    await page.getByLabel('Your name').fill('Dr. Avery Quill');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved ✓').first().waitFor();
    await page.getByLabel(/Import a log exported on another machine/).setInputFiles(join(SHOTS, 'att-delegate-log.json'));
    const report = page.getByTestId('import-report');
    await report.filter({ hasText: '1 record(s) added' }).waitFor();
    await page.getByTestId('chain-status').filter({ hasText: '1 record(s) in 2 log(s); hash chain intact' }).waitFor();
    // Importing the same file again adds nothing.
    await page.getByLabel(/Import a log exported on another machine/).setInputFiles(join(SHOTS, 'att-delegate-log.json'));
    await report.filter({ hasText: '0 record(s) added, 1 already here' }).waitFor();
    await page.locator('section.attestation-log').screenshot({ path: join(SHOTS, 'att-03-prescriber-import.png') });
    await page.close();
  });

  it('the prescriber sees on the prompt that the delegate reviewed, and acknowledges it (recorded once)', async () => {
    const ehr = await prescriber.context.newPage();
    await ehr.goto(`${EHR}/patients/demo-chronic/orders/new`);
    await enterOrder(ehr, ORDER);
    await waitForReviewState(ehr, 'reviewed');
    await expect(promptText(ehr)).resolves.toMatch(/Reviewed ✓ .* by Sam Nurse \(delegate\)/);
    const ack = prompt(ehr).getByRole('button', { name: "Acknowledge Sam Nurse's review (recorded)" });
    await ack.waitFor();
    // Reached from the keyboard (the Tab order runs into the prompt's shadow root), with a visible focus ring.
    await ehr.locator('#sig').focus();
    for (let i = 0; i < 12 && !(await ack.evaluate((b) => b.matches(':focus'))); i++) await ehr.keyboard.press('Tab');
    await expect(ack.evaluate((b) => b.matches(':focus-visible') && getComputedStyle(b).outlineStyle === 'solid')).resolves.toBe(true);
    await ehr.screenshot({ path: join(SHOTS, 'att-04-prescriber-prompt-delegate-reviewed.png') });

    // One click on the prompt records it and the prompt says so.
    await ack.click();
    await prompt(ehr).getByText(/^Acknowledged ✓ by you at \d{1,2}:\d{2}/).waitFor();
    await expect(ack.count()).resolves.toBe(0);
    await expect(promptText(ehr)).resolves.toMatch(/Reviewed ✓ .* by Sam Nurse \(delegate\)/);
    await ehr.screenshot({ path: join(SHOTS, 'att-04b-prescriber-prompt-acknowledged.png') });

    // The same order opened again: acknowledged, no button.
    await ehr.reload();
    await enterOrder(ehr, ORDER);
    await waitForReviewState(ehr, 'reviewed');
    await prompt(ehr).getByText(/^Acknowledged ✓ by you at/).waitFor();
    await expect(prompt(ehr).getByRole('button', { name: /^Acknowledge/ }).count()).resolves.toBe(0);

    // Asking again (a second click that raced the first, the panel) records nothing new.
    const { panel } = await openPanelFromPrompt(prescriber, ehr);
    const tabId = await tabIdOf(prescriber, ehr);
    const again = await sendFromPage(panel, 'acknowledge', { tabId });
    expect(again.ok, again.error).toBe(true);
    expect(again.value).toMatchObject({ alreadyAcknowledged: true, decision: { status: 'reviewed', lastReview: { reviewerName: 'Sam Nurse', reviewerRole: 'delegate', acknowledgedBy: 'Dr. Avery Quill' } } });

    // The log holds exactly one acknowledgement, of Sam Nurse's review.
    const log = await options(prescriber);
    await log.getByTestId('chain-status').filter({ hasText: '2 record(s) in 2 log(s); hash chain intact' }).waitFor();
    await log.getByRole('form', { name: 'Filter the log' }).getByLabel('Outcome').selectOption('acknowledged');
    await log.getByTestId('log-count').filter({ hasText: 'Showing 1 of 2' }).waitFor();
    await expect(log.getByTestId('log-row').first().innerText()).resolves.toMatch(/Delegate review acknowledged: review by Sam Nurse/);
    await log.close();

    // A prescriber's decline with a formula-like reason, to check the CSV export below.
    const declined = await sendFromPage(panel, 'attest', { tabId, outcome: 'declined', reason: '=HYPERLINK("http://x.invalid","click")' });
    expect(declined.ok, declined.error).toBe(true);
    await panel.close();
    await ehr.close();
  });

  it("the prescriber's log: filters, CSV (formula-safe), FHIR, a printable summary, and the JSON export verifies", async () => {
    const page = await options(prescriber);
    await page.getByTestId('chain-status').filter({ hasText: '3 record(s) in 2 log(s); hash chain intact' }).waitFor();
    const filters = page.getByRole('form', { name: 'Filter the log' });
    await filters.getByLabel('Delegate').selectOption('Sam Nurse');
    await page.getByTestId('log-count').filter({ hasText: 'Showing 1 of 3' }).waitFor();
    await filters.getByLabel('Delegate').selectOption('');
    await filters.getByLabel('Outcome').selectOption('acknowledged');
    await page.getByTestId('log-count').filter({ hasText: 'Showing 1 of 3' }).waitFor();
    await expect(page.getByTestId('log-row').first().innerText()).resolves.toMatch(/Delegate review acknowledged: review by Sam Nurse/);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByTestId('log-count').filter({ hasText: 'Showing 3 of 3' }).waitFor();
    await page.locator('section.attestation-log').screenshot({ path: join(SHOTS, 'att-05-prescriber-log.png') });

    const csv = readFileSync(await saveDownload(page, 'Export CSV', 'att-prescriber.csv'), 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(csv).toContain('"\'=HYPERLINK(""http://x.invalid"",""click"")"');
    expect(csv).not.toMatch(/(^|,)"=/m);
    expect(csv).not.toMatch(/Testwell/);

    const fhir = JSON.parse(readFileSync(await saveDownload(page, 'Export FHIR Bundle', 'att-prescriber.fhir.json'), 'utf8')) as { entry: { resource: { resourceType: string; code?: { coding: { code: string }[] } } }[] };
    const procedures = fhir.entry.filter((e) => e.resource.resourceType === 'Procedure');
    expect(procedures).toHaveLength(3);
    expect(procedures.every((p) => p.resource.code?.coding[0]?.code === '461621000124108')).toBe(true);
    expect(fhir.entry.filter((e) => e.resource.resourceType === 'Provenance')).toHaveLength(3);

    const [summary] = await Promise.all([page.context().waitForEvent('page'), page.getByRole('button', { name: 'Printable summary' }).click()]);
    await summary.waitForLoadState();
    await expect(summary.locator('h1').innerText()).resolves.toBe('PMP review attestations — summary');
    await expect(summary.locator('body').innerText()).resolves.toMatch(/Hash chain verified: 3 record\(s\) in 2 log\(s\), intact\./);
    await summary.screenshot({ path: join(SHOTS, 'att-06-printable-summary.png'), fullPage: true });
    await summary.close();

    prescriberExport = readFileSync(await saveDownload(page, 'Export JSON (with hash chains)', 'att-prescriber-log.json'), 'utf8');
    await page.close();
    const v = verifyLog(prescriberExport);
    expect(v.status).toBe(0);
    expect(v.out).toEqual({ ok: true, records: 3, firstBadRecord: null, chains: 2 });
  });

  it('a tampered export fails verify-log (exit 1) and is refused on import with the reason', async () => {
    const log = JSON.parse(prescriberExport) as { chains: { label: string; records: { outcome: string; seq: number }[] }[] };
    const mine = log.chains.find((c) => c.records.some((r) => r.outcome === 'declined'));
    const rec = mine?.records.find((r) => r.outcome === 'declined');
    if (!rec) throw new Error('no declined record in the export');
    rec.outcome = 'reviewed';
    const tampered = JSON.stringify(log);
    const v = verifyLog(tampered);
    expect(v.status).toBe(1);
    expect(v.out).toMatchObject({ ok: false, firstBadRecord: rec.seq, problem: 'record content was changed' });

    writeFileSync(join(SHOTS, 'att-tampered-log.json'), tampered);
    const page = await options(delegate);
    await page.getByLabel(/Import a log exported on another machine/).setInputFiles(join(SHOTS, 'att-tampered-log.json'));
    const report = page.getByTestId('import-report');
    await report.filter({ hasText: 'refused — hash chain broken at record' }).waitFor();
    // The delegate's own log in the same file is recognised, not duplicated.
    await report.filter({ hasText: "this machine's own log" }).waitFor();
    await page.getByTestId('chain-status').filter({ hasText: '1 record(s) in 1 log(s)' }).waitFor();
    await page.locator('section.attestation-log').screenshot({ path: join(SHOTS, 'att-07-tampered-import-refused.png') });
    await page.close();
  });

  it('"PMP unavailable" puts the patient on the reviews-to-do list with the follow-up due', async () => {
    const ehr = await delegate.context.newPage();
    await ehr.goto(`${EHR}/patients/demo-chronic/orders/new`);
    await enterOrder(ehr, ORDER);
    await waitForReviewState(ehr, 'reviewed');
    const { panel } = await openPanelFromPrompt(delegate, ehr);
    const tabId = await tabIdOf(delegate, ehr);
    const r = await sendFromPage(panel, 'attest', { tabId, outcome: 'pmp-unavailable', pmpError: 'unreachable', prescriberName: 'Dr. Avery Quill' });
    expect(r.ok, r.error).toBe(true);
    await panel.close();
    await ehr.close();
    const page = await options(delegate);
    const row = page.getByTestId('todo-row').first();
    await row.waitFor();
    await expect(row.innerText()).resolves.toMatch(/MRN-100234.*Dr\. Avery Quill.*follow-up review after the PMP was unavailable/s);
    await page.locator('section.reviews-to-do').screenshot({ path: join(SHOTS, 'att-08-reviews-to-do.png') });
    await page.close();
  });
});
