import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlBoxes, EHR, expectSilence, frameWith, overlaps, promptIn, promptText, setIdentity, shot, typeInto, waitForState } from './ehr-support';
import { launchWithExtension, tabIdOf, type Launched } from './harness';

// The generic reader (lib/ehr/adapters/generic.ts) on the hard cases and negatives of issue 5,
// in Chromium with the built extension. Fixture pages: test/fixtures/ehr/generic (SOURCE.md).
const G = `${EHR}/fixtures/generic`;

/** Opens the side panel document for this tab (as the harness does) and returns its h1 text. */
async function panelHeader(l: Launched, page: Page, scope: Page | Frame): Promise<string> {
  await promptIn(scope).locator('button', { hasText: /Review PMP|Open PMP history/ }).first().click();
  const panel = await l.context.newPage();
  await panel.goto(`chrome-extension://${l.extensionId}/sidepanel.html?tabId=${String(await tabIdOf(l, page))}`);
  const h1 = panel.locator('h1').first();
  await h1.waitFor();
  const text = await h1.innerText();
  await panel.close();
  return text;
}

describe('the generic reader in Chromium', () => {
  let l: Launched;
  let page: Page;

  beforeAll(async () => {
    l = await launchWithExtension();
    await setIdentity(l);
    page = await l.context.newPage();
  });
  afterAll(async () => {
    await l.close();
  });

  it.each([
    ['label-for.html', 'labels with for='],
    ['aria-labelledby.html', 'aria-labelledby only, hashed classes'],
    ['nearby-text.html', 'nearby text only'],
    ['table-grid.html', 'table column headers'],
    ['chip-drug.html', 'the drug only in a chip and a hidden input'],
  ])('%s (%s): prompts "due" beside the order, covering none of its controls', async (file) => {
    await page.goto(`${G}/${file}`);
    await waitForState(page, 'due');
    await expect(promptIn(page).getAttribute('data-pmp-rule')).resolves.toBe('ct-72h-supply');
    const box = await promptIn(page).boundingBox();
    expect(box).not.toBeNull();
    for (const b of await controlBoxes(page)) if (box) expect(overlaps(box, b)).toBe(false);
    await page.screenshot({ path: shot(`ehr-generic-${file.replace('.html', '')}.png`) });
  });

  it.each([
    ['medication-list.html'],
    ['allergy-entry.html'],
    ['print-preview.html'],
    ['fhir-text.html'],
    ['non-controlled.html'],
    ['unlabeled.html'],
  ])('%s stays silent', async (file) => {
    await page.goto(`${G}/${file}`);
    await expect(expectSilence(page)).resolves.toBe(0);
    if (file === 'medication-list.html') await page.screenshot({ path: shot('ehr-generic-negative-medication-list.png') });
  });

  it('reads a form inside an open shadow root and prompts inside it', async () => {
    await page.goto(`${G}/shadow.html`);
    await typeInto(page, { '#s-drug': 'oxycodone 5 mg tablet', '#s-qty': '40', '#s-sig': '1 tab q6h prn' });
    await waitForState(page, 'due');
    const inShadow = await page.evaluate(() => document.querySelector('ehr-order-form')?.shadowRoot?.querySelector('pmp-check-prompt')?.getAttribute('data-pmp-review'));
    expect(inShadow).toBe('due');
    await page.screenshot({ path: shot('ehr-generic-shadow-root.png') });
  });

  it('notices values set by script with no event (order favourites), and drops the prompt for a non-controlled drug', async () => {
    await page.goto(`${G}/script-values.html`);
    await page.locator('#fav-oxy').click();
    await waitForState(page, 'due', 5000);
    await page.locator('#fav-amox').click();
    await promptIn(page).waitFor({ state: 'detached', timeout: 5000 });
  });

  it('finds the order form a single-page app renders later, after pushState', async () => {
    await page.goto(`${G}/spa/chart`);
    await expect(expectSilence(page, 600)).resolves.toBe(0);
    await page.locator('#new-order').click();
    await page.locator('#spa-rx').waitFor();
    expect(new URL(page.url()).pathname).toBe('/fixtures/generic/spa/orders/new');
    await typeInto(page, { '#p-drug': 'oxycodone 5 mg tablet', '#p-qty': '40', '#p-sig': '1 tab q6h prn' });
    await waitForState(page, 'due');
  });

  it('reads the patient in the top frame for a form two same-origin frames down', async () => {
    await page.goto(`${G}/nested/top.html`);
    const form = await frameWith(page, 'nested/form.html');
    await typeInto(form, { '#n-drug': 'oxycodone 5 mg tablet', '#n-qty': '40', '#n-sig': '1 tab q6h prn' });
    await waitForState(form, 'due');
    await expect(promptIn(page).count()).resolves.toBe(0);
    await expect(promptIn(await frameWith(page, 'nested/middle.html')).count()).resolves.toBe(0);
    await page.screenshot({ path: shot('ehr-generic-nested-frames.png') });
    await expect(panelHeader(l, page, form)).resolves.toContain('Morgan Testwell');
  });

  it('never mixes patients: silent for a hidden tab\'s order, and that tab\'s own patient once shown', async () => {
    await page.goto(`${G}/stale-tabs.html`);
    await expect(expectSilence(page)).resolves.toBe(0);
    await page.locator('#tab-b').click();
    await waitForState(page, 'due');
    await page.screenshot({ path: shot('ehr-generic-stale-tab-shown.png') });
    await expect(panelHeader(l, page, page)).resolves.toContain('Riley Mockford');
    await page.locator('#tab-a').click();
    await promptIn(page).waitFor({ state: 'detached' });
  });

  it('prompts for an order while staged (pending, unsigned) and goes silent once it is signed', async () => {
    await page.goto(`${G}/staging.html`);
    await typeInto(page, { '#g-drug': 'oxycodone 5 mg tablet', '#g-qty': '40', '#g-sig': '1 tab q6h prn' });
    await waitForState(page, 'due');
    await page.locator('#stage').click();
    await page.locator('pmp-check-prompt[data-pmp-for="oxycodone 5 mg tablet"]').waitFor();
    await expect(page.locator('#pending pmp-check-prompt').count()).resolves.toBe(0); // never inside the EHR's table
    await expect(promptText(page)).resolves.toContain('Pending order: oxycodone 5 mg tablet');
    await page.screenshot({ path: shot('ehr-generic-staged.png') });
    await page.locator('#sign-all').click();
    await promptIn(page).waitFor({ state: 'detached' });
    await expect(page.locator('#signed li').count()).resolves.toBe(1);
  });

  it('is usable by keyboard, readable (contrast), and records a dismissal with its reason', async () => {
    await page.goto(`${G}/label-for.html`);
    await waitForState(page, 'due');
    const contrast = await page.evaluate(() => {
      const host = document.querySelector('pmp-check-prompt');
      const box = host?.shadowRoot?.querySelector('.box');
      const headline = host?.shadowRoot?.querySelector('.headline');
      if (!box || !headline) return 0;
      const rgb = (c: string) => (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
      const lum = (c: number[]) => {
        const [r = 0, g = 0, b = 0] = c.map((v) => {
          const s = v / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const a = lum(rgb(getComputedStyle(headline).color));
      const b = lum(rgb(getComputedStyle(box).backgroundColor));
      return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    });
    expect(contrast).toBeGreaterThanOrEqual(4.5);
    await expect(page.locator('pmp-check-prompt [role="region"][aria-label="PMP Check"]').count()).resolves.toBe(1);
    // Keyboard only: focus "Dismiss…", open it, choose a reason, submit.
    await promptIn(page).locator('button', { hasText: 'Dismiss…' }).focus();
    await page.keyboard.press('Enter');
    const radio = promptIn(page).locator('input[value="not-prescribing"]');
    await expect(radio.evaluate((r) => r === (r.getRootNode() as ShadowRoot).activeElement)).resolves.toBe(true);
    await page.keyboard.press('Space');
    await page.screenshot({ path: shot('ehr-generic-dismiss-form.png') });
    await promptIn(page).locator('button[type=submit]').focus();
    await page.keyboard.press('Enter');
    await waitForState(page, 'dismissed');
    await expect(promptText(page)).resolves.toContain('Not prescribing this order now');
    await page.screenshot({ path: shot('ehr-generic-dismissed.png') });
  });
});
