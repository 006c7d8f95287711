import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EHR, expectSilence, overlaps, promptIn, promptText, shot, waitForState } from './ehr-support';
import { launchWithExtension, type Launched } from './harness';

// OpenMRS 3's drug order workspace and order basket (fixture: test/fixtures/ehr/openmrs, see
// SOURCE.md) in Chromium with the built extension.
const CHART = `${EHR}/fixtures/openmrs/openmrs/spa/patient/8673ee4f-e2ab-4077-ba55-4980f408773e/chart/Patient%20Summary`;

async function choose(page: Page, comboId: string, item: string): Promise<void> {
  await page.locator(`#${comboId}`).click();
  await page.locator('[role=option]', { hasText: item }).first().click();
}

describe('OpenMRS 3 in Chromium', () => {
  let l: Launched;
  let page: Page;

  beforeAll(async () => {
    l = await launchWithExtension();
    page = await l.context.newPage();
    await page.goto(CHART);
  });
  afterAll(async () => {
    await l.close();
  });

  it('stays silent on the chart, whose medication list names oxycodone', async () => {
    await expect(page.locator('#med-rows').innerText()).resolves.toMatch(/oxyCODONE/);
    await expect(expectSilence(page)).resolves.toBe(0);
  });

  it('prompts in the drug order workspace once the form has computed the quantity (no input event)', async () => {
    await page.getByRole('button', { name: 'Order basket' }).click();
    await page.locator('#drug-search').fill('oxy');
    await page.getByRole('button', { name: 'Order form' }).first().click();
    await page.locator('#doseSelection').fill('1');
    await choose(page, 'dosingUnits', 'Tablet');
    await choose(page, 'editRoute', 'Oral');
    await choose(page, 'editFrequency', 'Every six hours');
    await page.locator('#durationInput').fill('10');
    await expect(page.locator('#quantityDispensed').inputValue()).resolves.toBe('40');
    await waitForState(page, 'due');
    // Beside the medication header, in the workspace's flow, covering none of its fields.
    const anchored = await page.evaluate(() => document.querySelector('pmp-check-prompt')?.previousElementSibling?.querySelector('#medicationInfo') !== null);
    expect(anchored).toBe(true);
    const box = await promptIn(page).boundingBox();
    for (const sel of ['#doseSelection', '#dosingUnits', '#editRoute', '#editFrequency', '#durationInput', '#quantityDispensed']) {
      const b = await page.locator(sel).boundingBox();
      if (box && b) expect(overlaps(box, b), `prompt covers ${sel}`).toBe(false);
    }
    await expect(promptText(page)).resolves.toContain('10 days');
    await page.screenshot({ path: shot('ehr-openmrs-order-form-due.png') });
  });

  it('keeps prompting for the staged order in the basket, and goes silent after "Sign and close"', async () => {
    await page.getByRole('button', { name: 'Save order' }).click();
    await page.locator('[role="listitem"]').waitFor();
    await waitForState(page, 'due');
    const besideTile = await page.evaluate(() => document.querySelector('pmp-check-prompt')?.previousElementSibling?.getAttribute('role'));
    expect(besideTile).toBe('listitem');
    await page.screenshot({ path: shot('ehr-openmrs-basket-staged.png') });
    await page.getByRole('button', { name: 'Sign and close' }).click();
    await promptIn(page).waitFor({ state: 'detached' });
    await expect(page.locator('#med-rows').innerText()).resolves.toContain('QUANTITY 40 tablet');
    await expect(expectSilence(page)).resolves.toBe(0);
  });
});
