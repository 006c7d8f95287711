import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { EHR_PORT } from '../../server/ports';
import type { Launched } from './harness';

/** Helpers shared by the test/e2e/ehr-*.e2e.ts files (fixture pages of other EHRs). */

export const EHR = `http://127.0.0.1:${String(EHR_PORT)}`;
/** The fixture origin that stands for an EHR the admin grants at run time (wxt.config.ts, e2e mode). */
export const GRANTED = `http://127.0.0.2:${String(EHR_PORT)}`;
export const SHOTS = resolve(import.meta.dirname, '../../test-results/e2e');
mkdirSync(SHOTS, { recursive: true });

export function shot(name: string): string {
  return join(SHOTS, name);
}

type Scope = Page | Frame;

/** The prompt's host element in a page or frame (Playwright's CSS pierces open shadow roots). */
export function promptIn(scope: Scope): Locator {
  return scope.locator('pmp-check-prompt');
}

/** The prompt's visible text (it lives in an open shadow root, which innerText does not enter). */
export async function promptText(scope: Scope): Promise<string> {
  return scope.locator('pmp-check-prompt .box').first().innerText();
}

/** Boxes of the EHR's own controls in a page or frame (not our prompt's, in its shadow root). */
export async function controlBoxes(scope: Scope): Promise<{ x: number; y: number; width: number; height: number }[]> {
  return scope.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea, button')]
      .map((e) => e.getBoundingClientRect())
      .filter((r) => r.width > 0 && r.height > 0)
      .map((r) => ({ x: r.x, y: r.y, width: r.width, height: r.height })),
  );
}

/** Waits until a prompt in this page or frame reports the given state. */
export async function waitForState(scope: Scope, state: string, timeout = 10_000): Promise<void> {
  await scope.locator(`pmp-check-prompt[data-pmp-review="${state}"]`).first().waitFor({ state: 'attached', timeout });
}

/** Asserts that no prompt appears within `ms` (the watcher scans within 25 ms and polls every second). */
export async function expectSilence(scope: Scope, ms = 1500): Promise<number> {
  const page = 'page' in scope ? scope.page() : scope;
  await page.waitForTimeout(ms);
  return scope.locator('pmp-check-prompt:not([data-pmp-review="not-required"])').count();
}

/** Fills inputs by selector the way a person types (input events per key). */
export async function typeInto(scope: Scope, values: Record<string, string>): Promise<void> {
  for (const [sel, value] of Object.entries(values)) await scope.locator(sel).fill(value);
}

/** The frame of a page whose URL contains this text. */
export async function frameWith(page: Page, urlPart: string, timeout = 10_000): Promise<Frame> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const f = page.frames().find((fr) => fr.url().includes(urlPart));
    if (f) {
      await f.waitForLoadState('load');
      return f;
    }
    if (Date.now() > deadline) throw new Error(`No frame with ${urlPart}`);
    await page.waitForTimeout(100);
  }
}

/** Do two boxes overlap? (the prompt must never cover the EHR's controls) */
export function overlaps(a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Sets the reviewer's identity through the options page (needed to record a dismissal). */
export async function setIdentity(l: Launched, name = 'Dr. Avery Quill'): Promise<void> {
  const page = await l.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`chrome-extension://${l.extensionId}/options.html`);
  await page
    .getByLabel('Your name')
    .waitFor({ timeout: 15_000 })
    .catch(async (e: unknown) => {
      await page.screenshot({ path: shot('ehr-options-failed.png'), fullPage: true });
      throw new Error(`The options page did not show the identity form: ${errors.join(' | ') || String(e)}`);
    });
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText('Saved ✓').first().waitFor();
  await page.close();
}

/** The content scripts the extension registered at run time, asked of its service worker. */
export async function registeredScripts(l: Launched): Promise<{ id: string; matches?: string[] }[]> {
  return l.worker.evaluate(async () => {
    const api = (globalThis as unknown as { chrome: { scripting: { getRegisteredContentScripts(): Promise<{ id: string; matches?: string[] }[]> } } }).chrome;
    return api.scripting.getRegisteredContentScripts();
  });
}
