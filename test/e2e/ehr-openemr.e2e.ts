import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EHR, expectSilence, frameWith, overlaps, promptIn, promptText, shot, waitForState } from './ehr-support';
import { launchWithExtension, tabIdOf, type Launched } from './harness';

// OpenEMR's tabbed UI (fixture: test/fixtures/ehr/openemr, see SOURCE.md) in Chromium with the
// built extension: the banner in the top frame, prescriptions in tab iframes, select2.
const MAIN = `${EHR}/fixtures/openemr/interface/main/tabs/main.php`;

/** The iframe of an OpenEMR tab, by its name. */
async function tabFrame(page: Page, name: string): Promise<Frame> {
  await page.locator(`iframe[name="${name}"]`).waitFor({ state: 'attached' });
  const f = page.frame({ name });
  if (!f) throw new Error(`no tab frame ${name}`);
  await f.waitForLoadState('load');
  return f;
}

describe('OpenEMR in Chromium', () => {
  let l: Launched;
  let page: Page;

  beforeAll(async () => {
    l = await launchWithExtension();
    page = await l.context.newPage();
    await page.goto(MAIN);
  });
  afterAll(async () => {
    await l.close();
  });

  it('prompts for the prescription open in a tab frame, with the top frame\'s patient', async () => {
    const rx = await tabFrame(page, 'rx0');
    await waitForState(rx, 'due');
    const text = await promptText(rx);
    expect(text).toContain('PMP review required');
    expect(text).toMatch(/30 days/);
    await page.screenshot({ path: shot('ehr-openemr-existing-rx.png') });
  });

  it('stays silent on the dashboard (medication list, allergies, prescriptions list)', async () => {
    await page.locator('.tabSpan[data-tab="pat"]').click();
    const dash = await frameWith(page, 'demographics.php');
    await expect(expectSilence(dash)).resolves.toBe(0);
    // The hidden prescription tab is silent too.
    await expect(promptIn(await tabFrame(page, 'rx0')).count()).resolves.toBe(0);
  });

  it('never mixes patients: another patient chosen, the old prescription tab stays silent even when shown', async () => {
    await page.locator('.tabSpan[data-tab="fin"]').click();
    const finder = await tabFrame(page, 'fin');
    await finder.locator('#pid_1').click();
    await page.locator('#attendantData [data-bind="text: pname()"]', { hasText: 'Morgan Testwell' }).waitFor();
    await page.locator('.tabSpan[data-tab="rx0"]').click();
    const rx = await tabFrame(page, 'rx0');
    await rx.locator('#quantity').fill('90');
    await expect(expectSilence(rx, 2000)).resolves.toBe(0);
    await page.screenshot({ path: shot('ehr-openemr-stale-tab-silent.png') });
  });

  it('prompts for a new prescription typed through select2 and the directions selects, for the new patient', async () => {
    await page.locator('.tabSpan[data-tab="pat"]').click();
    const dash = await frameWith(page, 'demographics.php?set_pid=1');
    await dash.locator('#rx_add').click();
    const rx = await tabFrame(page, 'rx1');
    await rx.locator('.select2-selection').click();
    await rx.locator('.select2-search__field').pressSequentially('oxycodone hydro');
    await rx.locator('.select2-results__option', { hasText: 'RxCUI' }).first().click();
    await rx.locator('#quantity').fill('40');
    await rx.locator('#size').fill('5');
    await rx.locator('#unit').selectOption({ label: 'mg' });
    await rx.locator('#dosage').fill('1');
    await rx.locator('#form').selectOption({ label: 'tablet' });
    await rx.locator('#route').selectOption({ label: 'Per Oris' });
    await rx.locator('#interval').selectOption({ label: 'q.6h' });
    await waitForState(rx, 'due');
    const text = await promptText(rx);
    expect(text).toContain('10 days'); // "q.6h" read as every 6 hours: 40 tablets last 10 days
    const box = await promptIn(rx).boundingBox();
    for (const sel of ['#quantity', '#size', '#unit', '#dosage', '#form', '#route', '#interval', 'select[name="refills"]', '#save']) {
      const b = await rx.locator(sel).boundingBox();
      if (box && b) expect(overlaps(box, b), `prompt covers ${sel}`).toBe(false);
    }
    await page.screenshot({ path: shot('ehr-openemr-new-rx-due.png') });
    // The review opens on the banner's patient.
    await promptIn(rx).locator('button', { hasText: 'Review PMP' }).click();
    const panel = await l.context.newPage();
    await panel.setViewportSize({ width: 400, height: 860 });
    await panel.goto(`chrome-extension://${l.extensionId}/sidepanel.html?tabId=${String(await tabIdOf(l, page))}`);
    await panel.locator('h1', { hasText: 'Morgan Testwell' }).waitFor();
    await panel.close();
  });
});
