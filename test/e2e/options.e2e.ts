// The options page as a whole, in Chromium with the built extension: every control reachable by
// Tab with a visible focus ring and no trap, the reset dialog by keyboard alone, the page at 1280
// and 800 px, a malformed pack import refused with nothing changed, and a threshold edit that the
// prompt on the demo EHR follows. Screenshots go to test-results/e2e/options-*.png.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EHR, shot } from './ehr-support';
import { enterOrder, launchWithExtension, waitForReviewState, type Launched } from './harness';

/** 16 tablets, one every 6 hours: a 4-day (96-hour) supply, over CT's 72 hours and under 120. */
const ORDER_96H = { drug: 'oxycodone 5 mg tablet', quantity: '16', sig: '1 tab PO q6h PRN pain' };

interface Stop {
  key: string;
  tag: string;
  type: string;
  name: string;
  section: string;
  sectionIndex: number;
  outlineStyle: string;
  outlineWidth: number;
  visible: boolean;
}

/** Describes the focused element: what it is, which top-level section it is in, its focus ring. */
async function focused(page: Page): Promise<Stop | null> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const main = document.querySelector('main');
    const sections = main ? [...main.children] : [];
    const top = sections.find((s) => s.contains(el));
    const style = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    // A stable identity for the element across presses (a path of child indexes).
    const path: number[] = [];
    for (let n: Element | null = el; n && n !== document.body; n = n.parentElement) path.unshift(n.parentElement ? [...n.parentElement.children].indexOf(n) : 0);
    const label = el.getAttribute('aria-label') ?? (el as HTMLInputElement).labels?.[0]?.textContent ?? el.textContent;
    return {
      key: path.join('.'),
      tag: el.tagName.toLowerCase(),
      type: el.getAttribute('type') ?? '',
      name: label.trim().replace(/\s+/g, ' ').slice(0, 60),
      section: top?.querySelector('h2')?.textContent ?? top?.tagName ?? '?',
      sectionIndex: top ? sections.indexOf(top) : -1,
      outlineStyle: style.outlineStyle,
      outlineWidth: parseFloat(style.outlineWidth),
      visible: r.width > 0 && r.height > 0,
    };
  });
}

/** Every control a keyboard should reach now: enabled, rendered, not inside a closed details or dialog. */
async function reachableControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const sel = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';
    return [...document.querySelectorAll<HTMLElement>(sel)]
      .filter((el) => !(el as HTMLButtonElement).disabled && el.getClientRects().length > 0 && !el.closest('dialog:not([open])'))
      .filter((el) => {
        // A closed details shows only its summary.
        const d = el.closest('details');
        return !d || d.open || el.parentElement === d && el.tagName === 'SUMMARY';
      })
      .filter((el) => !(el instanceof HTMLInputElement && el.type === 'radio' && !el.checked && document.querySelector(`input[type=radio][name="${el.name}"]:checked`)))
      .map((el) => {
        const path: number[] = [];
        for (let n: Element | null = el; n && n !== document.body; n = n.parentElement) path.unshift(n.parentElement ? [...n.parentElement.children].indexOf(n) : 0);
        return path.join('.');
      });
  });
}

async function storedSettings(l: Launched): Promise<unknown> {
  return l.worker.evaluate(async () => {
    const api = (globalThis as unknown as { chrome: { storage: { local: { get(k: string): Promise<Record<string, unknown>> } } } }).chrome;
    return (await api.storage.local.get('settings')).settings ?? null;
  });
}

/** Elements whose right edge is past the page's content column (cut off, or making the page scroll sideways). */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const main = document.querySelector('main');
    const edge = main ? main.getBoundingClientRect().right - parseFloat(getComputedStyle(main).paddingRight) : window.innerWidth;
    return [...document.querySelectorAll('main *')]
      .filter((e) => e.getBoundingClientRect().right > Math.min(edge, window.innerWidth) + 0.5 && e.getClientRects().length > 0 && !e.closest('dialog'))
      .map((e) => `${e.tagName.toLowerCase()}.${e.className} "${e.textContent.trim().slice(0, 30)}"`)
      .slice(0, 10);
  });
}

/** The prompt's state for a 96-hour oxycodone order, typed into a fresh order page. */
async function promptStateFor96h(l: Launched, expected: string): Promise<string> {
  const ehr = await l.context.newPage();
  try {
    await ehr.goto(`${EHR}/patients/demo-naive/orders/new`);
    await enterOrder(ehr, ORDER_96H);
    await waitForReviewState(ehr, expected);
    // Settled: still the same a moment later (not a state on the way while typing).
    await ehr.waitForTimeout(400);
    return (await ehr.locator('pmp-check-prompt').getAttribute('data-pmp-review')) ?? '';
  } finally {
    await ehr.close();
  }
}

describe('the options page', () => {
  let l: Launched;
  let opts: Page;

  beforeAll(async () => {
    l = await launchWithExtension();
    // The extension pages forbid eval; a blocked attempt (even one zod catches) is reported here.
    await l.context.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    opts = await l.context.newPage();
    await opts.setViewportSize({ width: 1280, height: 900 });
    await opts.goto(`chrome-extension://${l.extensionId}/options.html`);
    await opts.getByTestId('pack-view').waitFor();
  });
  afterAll(async () => {
    await l.close();
  });

  it('zod runs without eval: no CSP violation on the options page or the side panel', async () => {
    const violations = (page: Page) => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
    await expect(violations(opts)).resolves.toEqual([]);
    const panel = await l.context.newPage();
    await panel.goto(`chrome-extension://${l.extensionId}/sidepanel.html`);
    await panel.getByText('PMP review').first().waitFor();
    await panel.waitForTimeout(300);
    await expect(violations(panel)).resolves.toEqual([]);
    await panel.close();
  });

  it('Tab reaches every control of every section in page order, each with a visible focus ring, and leaves the page', async () => {
    const expected = await reachableControls(opts);
    expect(expected.length).toBeGreaterThan(20);
    await opts.evaluate(() => {
      (document.activeElement as HTMLElement | null)?.blur();
      window.scrollTo(0, 0);
    });
    const stops: Stop[] = [];
    // Every Tab stop, also those inside one control (a date field's day, month, year and calendar button).
    const presses: Stop[] = [];
    for (let i = 0; i < expected.length * 5; i++) {
      await opts.keyboard.press('Tab');
      const stop = await focused(opts);
      if (!stop) break; // focus left the page's controls: no trap
      presses.push(stop);
      if (stop.key === stops.at(-1)?.key) continue; // still inside the same control
      if (stops.some((s) => s.key === stop.key)) break; // wrapped around
      stops.push(stop);
    }
    expect(presses.at(-1)?.name).toBe('Reset settings…');
    const reached = new Set(stops.map((s) => s.key));
    const missed = expected.filter((k) => !reached.has(k));
    expect(missed).toEqual([]);
    expect(stops.length).toBe(expected.length);
    // Sections in page order: the section index never goes back.
    const order = stops.map((s) => s.sectionIndex);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    const sections = [...new Set(stops.map((s) => s.section))];
    expect(sections[0]).toBe('Who is reviewing');
    expect(sections).toEqual(expect.arrayContaining(['State rules', 'PMP connection', 'EHR sites', 'Reset settings']));
    expect(sections.at(-1)).toBe('Reset settings');
    expect(stops.at(-1)?.name).toBe('Reset settings…');
    // Every stop is on screen with a ring of at least 2 px.
    const ringless = presses.filter((s) => !s.visible || s.outlineStyle === 'none' || s.outlineWidth < 2);
    expect(ringless).toEqual([]);
    const kinds = new Set(stops.map((s) => (s.type ? `${s.tag}:${s.type}` : s.tag)));
    expect([...kinds]).toEqual(expect.arrayContaining(['input', 'input:date', 'input:file', 'input:radio', 'button:button', 'button:submit', 'select', 'summary']));
  });

  it('the reset dialog works by keyboard alone: Escape cancels, Enter on "Reset settings" resets, focus comes back', async () => {
    // Something to reset: a name typed and saved with Enter.
    await opts.getByLabel('Your name').focus();
    await opts.keyboard.type('Dr. Avery Quill');
    await opts.keyboard.press('Enter');
    await opts.getByText('Saved ✓').first().waitFor();
    const opener = opts.getByRole('button', { name: 'Reset settings…' });
    const dialog = opts.getByRole('dialog');

    await opener.focus();
    await opts.keyboard.press('Enter');
    await dialog.waitFor();
    await expect(opts.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Cancel');
    const text = await dialog.innerText();
    expect(text).toContain('Dr. Avery Quill (prescriber)');
    expect(text).toContain('The attestation log. A settings reset never changes it');
    await dialog.screenshot({ path: shot('options-03-reset-dialog.png') });
    await opts.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await expect(opener.evaluate((b) => b === document.activeElement)).resolves.toBe(true);
    await expect(opts.getByLabel('Your name').inputValue()).resolves.toBe('Dr. Avery Quill');
    expect(await storedSettings(l)).toMatchObject({ identity: { name: 'Dr. Avery Quill' } });

    await opts.keyboard.press('Enter');
    await dialog.waitFor();
    await opts.keyboard.press('Tab');
    await expect(opts.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Reset settings');
    await opts.keyboard.press('Shift+Tab');
    await expect(opts.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Cancel');
    await opts.keyboard.press('Tab');
    await opts.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await opts.getByTestId('reset-done').waitFor();
    await expect(opener.evaluate((b) => b === document.activeElement)).resolves.toBe(true);
    await expect(opts.getByLabel('Your name').inputValue()).resolves.toBe('');
    expect(await storedSettings(l)).toMatchObject({ identity: null, state: 'CT', packEdits: {}, pmp: { kind: 'bundled' } });
  });

  it.each([
    [1280, 'options-01-1280.png'],
    [800, 'options-02-800.png'],
  ])('fits %i px wide with no sideways scrolling', async (width, file) => {
    await opts.setViewportSize({ width, height: 900 });
    await opts.getByText('Edit this pack (administrators)').click();
    await opts.locator('.sr-edit[open]').waitFor();
    await opts.evaluate(() => {
      window.scrollTo(0, 0);
    });
    await opts.screenshot({ path: shot(file), fullPage: true });
    await expect(overflowing(opts)).resolves.toEqual([]);
    const { scrollWidth, innerWidth } = await opts.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    await opts.getByText('Edit this pack (administrators)').click();
  });

  it('a malformed pack import is refused with the field named, and nothing changes: the pack in force nor the prompt', async () => {
    await opts.setViewportSize({ width: 1280, height: 900 });
    await expect(promptStateFor96h(l, 'due')).resolves.toBe('due');
    const before = await storedSettings(l);
    await opts.getByText('Edit this pack (administrators)').click();
    const box = opts.getByLabel('Connecticut pack as JSON');
    const shipped = await box.inputValue();
    const pack = JSON.parse(shipped) as { rules: { id: string; type: string; intervalDays?: unknown }[] };
    const index = pack.rules.findIndex((r) => r.type === 'periodic-review');
    const rule = pack.rules[index];
    if (!rule) throw new Error('CT has a periodic review rule');
    rule.intervalDays = 'ninety';
    const alert = opts.locator('.sr-edit [role="alert"]');
    const upload = opts.getByLabel('Import a pack (JSON file)');

    await upload.setInputFiles({ name: 'ct-ninety.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(pack)) });
    await alert.waitFor();
    const refused = await alert.innerText();
    expect(refused).toContain('ct-ninety.json was not imported, nothing changed.');
    expect(refused).toContain(`rules[${String(index)}].intervalDays (rule "${rule.id}"): Invalid input: expected number, received string`);
    await opts.locator('.sr-edit').screenshot({ path: shot('options-04-import-refused.png') });

    await upload.setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('CT: 72 hours, then every 90 days') });
    await opts.locator('.sr-edit [role="alert"]', { hasText: 'notes.json was not imported' }).waitFor();
    await expect(alert.innerText()).resolves.toContain('Not valid JSON');

    // Nothing changed: the stored settings, the editor, the pack in force, and the prompt's decision.
    expect(await storedSettings(l)).toEqual(before);
    await expect(box.inputValue()).resolves.toBe(shipped);
    await expect(opts.getByTestId('pack-banner').innerText()).resolves.toContain('Checked by hand');
    await expect(promptStateFor96h(l, 'due')).resolves.toBe('due');
  });

  it("raising CT's 72-hour threshold to 120 hours in the pack editor: a 96-hour order is no longer due; restored, it is again", async () => {
    const box = opts.getByLabel('Connecticut pack as JSON');
    const pack = JSON.parse(await box.inputValue()) as { rules: { type: string; hours?: number }[] };
    const rule = pack.rules.find((r) => r.type === 'supply-over');
    expect(rule?.hours).toBe(72);
    if (rule) rule.hours = 120;
    await box.fill(JSON.stringify(pack, null, 2));
    await opts.getByRole('button', { name: 'Save edited pack' }).click();
    await opts.getByTestId('pack-banner').filter({ hasText: 'Edited by an administrator' }).waitFor();
    await expect(opts.getByTestId('pack-view').innerText()).resolves.toMatch(/more than a (120-hour|5-day) supply/);
    await expect(promptStateFor96h(l, 'not-required')).resolves.toBe('not-required');

    await opts.getByText('Edit this pack (administrators)').click();
    await opts.getByRole('button', { name: 'Restore the shipped pack' }).click();
    await opts.getByTestId('pack-banner').filter({ hasText: 'Checked by hand' }).waitFor();
    await expect(promptStateFor96h(l, 'due')).resolves.toBe('due');
  });
});
