import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIREFOX_ID } from '../../wxt.config';
import { EHR_PORT } from '../../server/ports';

const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const EXT_DIR = resolve(import.meta.dirname, '../..', process.env.PMP_FIREFOX_EXTENSION_DIR ?? '.output/firefox-mv2');
const SHOTS = resolve(import.meta.dirname, '../../test-results/e2e');
const EHR = `http://127.0.0.1:${String(EHR_PORT)}`;
// Pinning the extension's internal UUID lets the test recognise its pages by URL.
const UUID = '6f1c9a52-7d3e-4b8a-9c41-2e5f0d7a3b19';
const BASE = `moz-extension://${UUID}`;

mkdirSync(SHOTS, { recursive: true });

/**
 * Finds an extension page by its real location. Firefox's automation reports extension tabs as
 * about:blank and cannot navigate to moz-extension:// URLs, so the page is found by asking each one.
 */
async function waitForExtensionPage(browser: Browser, prefix: string, timeout = 15_000): Promise<Page> {
  const until = Date.now() + timeout;
  while (Date.now() < until) {
    for (const page of await browser.pages()) {
      const href = await page.evaluate(() => location.href).catch(() => '');
      if (href.startsWith(prefix)) return page;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`No page at ${prefix}`);
}

async function setField(page: Page, selector: string, value: string): Promise<void> {
  await page.$eval(
    selector,
    (el, v) => {
      (el as HTMLInputElement).value = v;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    },
    value,
  );
}

describe.skipIf(!existsSync(FIREFOX))('Firefox smoke test (firefox-esr, the Firefox build)', () => {
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(join(EXT_DIR, 'manifest.json'))) throw new Error(`No Firefox build at ${EXT_DIR}: run "npx wxt build -b firefox"`);
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX,
      headless: true,
      extraPrefsFirefox: {
        'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_ID]: UUID }),
        'datareporting.policy.dataSubmissionEnabled': false,
        'app.update.enabled': false,
      },
    });
    await browser.installExtension(EXT_DIR);
  });
  afterAll(async () => {
    await browser.close();
  });

  it('prompt appears, the PMP history shows, the attestation is recorded', async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 860 });
    await page.goto(`${EHR}/patients/demo-chronic/orders/new`);
    await setField(page, '#drug', 'oxycodone 5 mg tablet');
    await setField(page, '#quantity', '40');
    await setField(page, '#sig', '1 tab PO q6h PRN pain');
    await page.waitForSelector('pmp-check-prompt[data-pmp-review="due"]', { timeout: 15_000 });
    const text = await page.$eval('pmp-check-prompt', (h) => h.shadowRoot?.textContent ?? '');
    expect(text).toContain('PMP review required — more than a 72-hour supply of a Schedule II drug (CT)');
    await page.screenshot({ path: join(SHOTS, 'firefox-01-prompt.png') });

    // Firefox refuses sidebarAction.open() for a click relayed from a content script, so with no
    // sidebar open the same panel opens in a tab beside the EHR.
    await page.click('pmp-check-prompt >>> button');
    const panel = await waitForExtensionPage(browser, `${BASE}/sidepanel.html?tabId=`);
    // A first-time user says who they are right in the panel (automation cannot open extension
    // pages by URL in Firefox), then the PMP query runs under their name.
    await panel.waitForSelector('form.identity-form input[name="name"]', { timeout: 15_000 });
    await panel.type('form.identity-form input[name="name"]', 'Dr. Avery Quill');
    await panel.click('form.identity-form button[type="submit"]');
    await panel.waitForSelector('[data-testid="fill-row"]', { timeout: 20_000 }).catch(async (e: unknown) => {
      await panel.screenshot({ path: join(SHOTS, 'firefox-02-panel-failed.png') });
      throw e;
    });
    expect(await panel.$$eval('[data-testid="fill-row"]', (rows) => rows.length)).toBeGreaterThan(3);
    await panel.screenshot({ path: join(SHOTS, 'firefox-02-panel.png') });
    const button = await panel.waitForSelector('::-p-text(I reviewed the PMP)');
    await button?.click();
    await panel.waitForFunction(() => document.body.textContent.includes('Review recorded ✓'));
    await page.waitForSelector('pmp-check-prompt[data-pmp-review="reviewed"]', { timeout: 15_000 });
    await page.screenshot({ path: join(SHOTS, 'firefox-03-reviewed.png') });
  });
});
