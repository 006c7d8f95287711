import { readFileSync, writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEhrServer } from '../../server/demo-ehr/server';
import { EHR_PORT } from '../../server/ports';
import { EHR, expectSilence, frameWith, GRANTED, promptIn, registeredScripts, shot, typeInto, waitForState } from './ehr-support';
import { launchWithExtension, type Launched } from './harness';

// Runtime permissions: no blanket host access; the content script runs on an EHR origin only
// once the admin adds it (here 127.0.0.2, which the e2e build pre-grants so Chrome's permission
// prompt, which automation cannot answer, resolves at once). Also: a cross-origin
// e-prescribing iframe, and the point-and-click field mapper with export and import.

describe('EHR sites granted at run time, in Chromium', () => {
  let l: Launched;
  let page: Page;
  let options: Page;
  let second: Awaited<ReturnType<typeof startEhrServer>> | undefined;
  const optionErrors: string[] = [];

  beforeAll(async () => {
    // The second origin: the same fixture server on another loopback address (same fixed port).
    second = await startEhrServer({ host: '127.0.0.2', port: EHR_PORT }).catch(async (e: unknown) => {
      // A server left behind by an interrupted run still serves the same fixture files: use it.
      const res = await fetch(`${GRANTED}/fixtures/generic/label-for.html`).catch(() => null);
      if (!res?.ok) throw e;
      return undefined;
    });
    l = await launchWithExtension();
    page = await l.context.newPage();
    options = await l.context.newPage();
    options.on('pageerror', (e) => optionErrors.push(e.message));
    options.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') optionErrors.push(m.text());
    });
    await options.goto(`chrome-extension://${l.extensionId}/options.html`);
  });
  afterAll(async () => {
    await second?.close();
    await l.close();
  });

  async function addSite(origin: string): Promise<void> {
    await options.bringToFront();
    const before = await options.evaluate(async (pattern) => {
      const api = (globalThis as unknown as { chrome: { permissions: { contains(p: object): Promise<boolean>; getAll(): Promise<{ origins?: string[] }> } } }).chrome.permissions;
      return { contains: await api.contains({ origins: [pattern] }), all: (await api.getAll()).origins ?? [] };
    }, `${origin}/*`);
    await options.getByLabel('EHR address').fill(origin);
    await options.getByRole('button', { name: 'Add site' }).click();
    const message = options.getByTestId('sites-message');
    await message.waitFor({ timeout: 10_000 }).catch(async () => {
      await options.screenshot({ path: shot('ehr-sites-add-failed.png'), fullPage: true });
      throw new Error(`No answer to "Add site" (granted before: ${JSON.stringify(before)}): ${optionErrors.join(' | ') || 'no page error'}`);
    });
    await expect(message.innerText()).resolves.toContain(`Added ${origin}`);
  }

  it('does not run inside a cross-origin e-prescribing frame until the admin adds its origin', async () => {
    expect(await registeredScripts(l)).toEqual([]);
    await page.goto(`${EHR}/fixtures/generic/erx/host.html`);
    const erx = await frameWith(page, '127.0.0.2');
    await typeInto(erx, { '#e-drug': 'oxycodone 5 mg tablet', '#e-qty': '40', '#e-sig': '1 tab q6h prn' });
    await expect(expectSilence(erx)).resolves.toBe(0);
  });

  it('adds the site from the options page: granted, and the content script registered for it alone', async () => {
    await addSite(GRANTED);
    await expect(options.getByTestId('site-row').innerText()).resolves.toContain('granted ✓');
    await options.screenshot({ path: shot('ehr-sites-options.png'), fullPage: true });
    await expect.poll(() => registeredScripts(l)).toEqual([expect.objectContaining({ id: 'pmp-check-ehr-sites', matches: [`${GRANTED}/*`] })]);
  });

  it('now runs inside the e-prescribing frame and prompts there, with the frame\'s own patient header', async () => {
    await page.bringToFront();
    await page.reload();
    const erx = await frameWith(page, '127.0.0.2');
    await typeInto(erx, { '#e-drug': 'oxycodone 5 mg tablet', '#e-qty': '40', '#e-sig': '1 tab q6h prn' });
    await waitForState(erx, 'due');
    await page.screenshot({ path: shot('ehr-sites-erx-frame-due.png') });
  });

  it('maps the fields of an EHR nothing can read, by pointing and clicking, and prompts through the mapping', async () => {
    await page.goto(`${GRANTED}/fixtures/generic/unlabeled.html`);
    await typeInto(page, { '#k91': 'oxycodone 5 mg tablet', '#k92': '40', '#k93': '1 tab q6h prn' });
    await expect(expectSilence(page)).resolves.toBe(0);
    await options.bringToFront();
    await options.getByRole('button', { name: `Map fields on ${GRANTED}` }).click();
    await options.getByTestId('sites-message').filter({ hasText: 'The field mapper is open' }).waitFor();
    await page.bringToFront();
    const panel = page.locator('pmp-check-mapper [role="dialog"]');
    await panel.waitFor();
    for (const sel of ['#k91', '#k92', '#k93', '#k94', '.q8x-a', '.q8x-b', '.q8x-c']) await page.locator(sel).click();
    await page.screenshot({ path: shot('ehr-sites-mapper-panel.png') });
    await panel.getByRole('button', { name: 'Save mapping' }).click();
    await panel.getByText('Saved.').waitFor();
    await page.locator('pmp-check-mapper').waitFor({ state: 'detached' });
    await waitForState(page, 'due');
    await expect(promptIn(page).locator('button', { hasText: 'Wrong fields?' }).count()).resolves.toBe(1);
    await page.screenshot({ path: shot('ehr-sites-mapped-due.png') });
  });

  it('exports the mapping as JSON (where the fields are, never what they hold) and imports it back with a report', async () => {
    await options.bringToFront();
    await options.getByTestId('mapping-row').filter({ hasText: GRANTED }).waitFor();
    const [download] = await Promise.all([options.waitForEvent('download'), options.getByRole('button', { name: 'Export mappings (JSON)' }).click()]);
    const text = readFileSync(await download.path(), 'utf8');
    const exported = JSON.parse(text) as { kind: string; mappings: { origin: string }[] };
    expect(exported.kind).toBe('pmp-check.field-mappings');
    expect(exported.mappings.map((m) => m.origin)).toEqual([GRANTED]);
    expect(text).not.toMatch(/Testwell|Morgan|1961|MRN-100234|oxycodone/i);
    const file = shot('ehr-sites-import.json');
    writeFileSync(file, JSON.stringify({ ...exported, mappings: [...exported.mappings, { origin: 'https://bad.example', fields: {} }] }));
    await options.getByLabel('Import mappings (JSON)').setInputFiles(file);
    const report = options.getByTestId('import-report');
    await report.filter({ hasText: 'Imported 1 mapping(s).' }).waitFor();
    await expect(report.innerText()).resolves.toContain('(https://bad.example)');
  });

  it('starts the mapper from the prompt ("Wrong fields?"), and Cancel closes it in every frame', async () => {
    await page.bringToFront();
    await promptIn(page).locator('button', { hasText: 'Wrong fields?' }).click();
    const panel = page.locator('pmp-check-mapper [role="dialog"]');
    await panel.waitFor();
    await panel.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('pmp-check-mapper').waitFor({ state: 'detached' });
  });

  it('removing the site unregisters the content script: the EHR is silent again', async () => {
    await options.bringToFront();
    await options.getByRole('button', { name: `Remove ${GRANTED}` }).click();
    await options.getByTestId('no-sites').waitFor();
    await expect.poll(() => registeredScripts(l)).toEqual([]);
    await page.bringToFront();
    await page.goto(`${GRANTED}/fixtures/generic/label-for.html`);
    await expect(expectSilence(page)).resolves.toBe(0);
  });
});
