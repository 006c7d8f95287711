import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';

// The e2e run loads the `--mode e2e` build (vitest.e2e.config.ts sets the folder); the demo and
// the benchmarks load the production build.
export const EXTENSION_DIR = resolve(import.meta.dirname, '../..', process.env.PMP_EXTENSION_DIR ?? '.output/chrome-mv3');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Launched {
  context: BrowserContext;
  extensionId: string;
  worker: Worker;
  close(): Promise<void>;
}

/** Starts Chromium with the built extension loaded, in a fresh profile. */
export async function launchWithExtension(options: { headless?: boolean; extensionDir?: string } = {}): Promise<Launched> {
  const extensionDir = options.extensionDir ?? EXTENSION_DIR;
  if (!existsSync(join(extensionDir, 'manifest.json'))) throw new Error(`No built extension at ${extensionDir}: run "npm run build" first`);
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
  const profile = mkdtempSync(join(tmpdir(), 'pmp-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: options.headless ?? true,
    viewport: { width: 1280, height: 860 },
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 20_000 }));
  const extensionId = new URL(worker.url()).host;
  return {
    context,
    extensionId,
    worker,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface OrderInput {
  drug: string;
  quantity?: string;
  sig?: string;
  daysSupply?: string;
}

/** Types an order into the demo EHR's prescription form the way a prescriber would. */
export async function enterOrder(page: Page, order: OrderInput): Promise<void> {
  await page.locator('#drug').fill(order.drug);
  await page.locator('#drug').dispatchEvent('change');
  if (order.quantity !== undefined) await page.locator('#quantity').fill(order.quantity);
  if (order.sig !== undefined) await page.locator('#sig').fill(order.sig);
  if (order.daysSupply !== undefined) await page.locator('#days-supply').fill(order.daysSupply);
}

/** The inline prompt's host element (the test hooks live on it). */
export function prompt(page: Page) {
  return page.locator('pmp-check-prompt');
}

/** The prompt's visible text (it lives in an open shadow root, which innerText does not enter). */
export async function promptText(page: Page): Promise<string> {
  return page.locator('pmp-check-prompt .box').innerText();
}

/** Waits until the prompt reports the given review state. */
export async function waitForReviewState(page: Page, state: string, timeout = 10_000): Promise<void> {
  await page.locator(`pmp-check-prompt[data-pmp-review="${state}"]`).waitFor({ state: 'attached', timeout });
}

/** The tab id Chrome gave a page, asked of the extension's service worker. */
export async function tabIdOf(l: Launched, page: Page): Promise<number> {
  const url = page.url();
  const id = await l.worker.evaluate(async (u: string) => {
    const api = (globalThis as unknown as { chrome: { tabs: { query(q: object): Promise<{ id?: number; url?: string }[]> } } }).chrome;
    const tabs = await api.tabs.query({});
    return tabs.find((t) => t.url === u)?.id ?? -1;
  }, url);
  if (id < 0) throw new Error(`No tab for ${url}`);
  return id;
}

/** Side panel documents of this extension that Chrome has open (runtime.getContexts). */
export async function openSidePanels(l: Launched): Promise<string[]> {
  return l.worker.evaluate(async () => {
    const api = (globalThis as unknown as {
      chrome: { runtime: { getContexts(f: { contextTypes: string[] }): Promise<{ documentUrl?: string }[]> } };
    }).chrome;
    const contexts = await api.runtime.getContexts({ contextTypes: ['SIDE_PANEL'] });
    return contexts.map((c) => c.documentUrl ?? '');
  });
}

/**
 * Clicks "Review PMP" on the prompt and returns the side panel page. The click opens Chrome's
 * real side panel (checked through runtime.getContexts); automation cannot drive that panel as
 * a page, so the same panel document is then opened in a tab for this EHR tab (same code, same
 * messages, `?tabId=` instead of "the active tab").
 */
export async function openPanelFromPrompt(l: Launched, page: Page): Promise<{ panel: Page; realSidePanel: boolean }> {
  const panelUrl = `chrome-extension://${l.extensionId}/sidepanel.html`;
  await prompt(page).locator('button').first().click();
  let realSidePanel = false;
  for (let i = 0; i < 20 && !realSidePanel; i++) {
    realSidePanel = (await openSidePanels(l)).some((u) => u.startsWith(panelUrl));
    if (!realSidePanel) await page.waitForTimeout(100);
  }
  const tabId = await tabIdOf(l, page);
  const panel = await l.context.newPage();
  await panel.setViewportSize({ width: 400, height: 860 });
  await panel.goto(`${panelUrl}?tabId=${String(tabId)}`);
  return { panel, realSidePanel };
}
