import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { getPack } from '@/lib/rules/packs';
import { DEFAULT_SETTINGS, loadSettings, type Settings } from '@/lib/storage/settings';
import { StateRules } from './state-rules';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLDivElement;
let root: Root;

function render(settings: Settings = DEFAULT_SETTINGS) {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  act(() => {
    root.render(
      <QueryClientProvider client={new QueryClient()}>
        <StateRules settings={settings} />
      </QueryClientProvider>,
    );
  });
}

afterEach(() => {
  act(() => {
    root.unmount();
  });
  container.remove();
});

function set(el: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, value: string): void {
  const proto = el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  act(() => {
    Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(el, value);
    el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
  });
}

const $ = (sel: string) => container.querySelector(sel);
const view = () => $('[data-testid="pack-view"]');
const tryForm = () => $('[data-testid="try-form"]') as HTMLFormElement;

async function click(el: Element | null): Promise<void> {
  await act(async () => {
    (el as HTMLElement).click();
    await new Promise((r) => setTimeout(r, 10));
  });
}

describe('the state rules section of the options page', () => {
  it("shows the practice's state, with its verified banner, rules, limits and citations", () => {
    render();
    expect(view()?.getAttribute('data-state')).toBe('CT');
    const text = view()?.textContent ?? '';
    expect($('[data-testid="pack-banner"]')?.textContent).toContain('Checked by hand');
    expect(text).toContain('CGS 21a-254(j)(1)');
    expect(text).toContain('7 days at most for a first outpatient opioid prescription for an adult');
    expect(text).toContain('Where this pack differs from PDAPS');
  });

  it.each(['WA', 'KS', 'MO', 'DC', 'AL'])('shows %s with the "not verified since 2019" banner and what is not modelled', (code) => {
    render();
    set($('select[name="state"]') as HTMLSelectElement, code);
    expect(view()?.getAttribute('data-state')).toBe(code);
    expect($('[data-testid="pack-banner"]')?.textContent).toContain('Not verified since 2019.');
    expect(view()?.textContent).toContain(`Not modelled (${String(getPack(code).notModelled.length)})`);
  });

  it('every jurisdiction renders', () => {
    render();
    const select = $('select[name="state"]') as HTMLSelectElement;
    expect(select.options).toHaveLength(51);
    for (const option of Array.from(select.options)) {
      set(select, option.value);
      expect(view()?.getAttribute('data-state')).toBe(option.value);
    }
  }, 60_000);

  it('tries an order as of a date', async () => {
    render();
    set($('select[name="state"]') as HTMLSelectElement, 'TX');
    set(tryForm().querySelector('input[name="asOf"]') as HTMLInputElement, '2017-08-31');
    await click(tryForm().querySelector('button[type="submit"]'));
    expect($('[data-testid="try-result"]')?.getAttribute('data-status')).toBe('not-required');
    set(tryForm().querySelector('input[name="asOf"]') as HTMLInputElement, '2017-09-01');
    await click(tryForm().querySelector('button[type="submit"]'));
    expect($('[data-testid="try-result"]')?.getAttribute('data-status')).toBe('due');
    expect($('[data-testid="try-result"]')?.textContent).toContain('Tex. Health & Safety Code § 481.0764 (PDAPS; not verified since 2019)');
  });

  it.each([
    ['a date that does not exist', 'asOf', '2019-02-30', 'Enter the date as YYYY-MM-DD.'],
    ['a negative quantity', 'quantity', '-2', 'quantity'],
    ['an empty drug', 'drug', '   ', 'drugText'],
    ['an age that is not a number', 'age', 'forty', 'patientAgeYears'],
  ])('refuses %s with a message', async (_name, field, value, message) => {
    render();
    set(tryForm().querySelector(`[name="${field}"]`) as HTMLInputElement, value);
    await click(tryForm().querySelector('button[type="submit"]'));
    expect($('[role="alert"]')?.textContent).toContain(message);
    expect($('[data-testid="try-result"]')).toBeNull();
  });

  it('an administrator edit is checked before it is saved, and a good one is saved', async () => {
    render();
    const box = $('textarea') as HTMLTextAreaElement;
    const save = Array.from(container.querySelectorAll('button')).find((b) => b.textContent === 'Save edited pack');
    set(box, '{ not json');
    await click(save ?? null);
    expect($('[role="alert"]')?.textContent).toContain('Not valid JSON');
    set(box, JSON.stringify({ ...getPack('NY') }));
    await click(save ?? null);
    expect($('[role="alert"]')?.textContent).toContain("This pack is for NY; edit CT's pack here.");
    const edited = { ...getPack('CT'), pmpDownFollowUpHours: 48 };
    set(box, JSON.stringify(edited));
    await click(save ?? null);
    const stored = (await loadSettings()).packEdits.CT as { pmpDownFollowUpHours: number; provenance: { kind: string } };
    expect(stored.pmpDownFollowUpHours).toBe(48);
    expect(stored.provenance.kind).toBe('admin');
  });

  it('a stored edit that no longer validates is reported and the shipped pack is shown', () => {
    render({ ...DEFAULT_SETTINGS, packEdits: { CT: { state: 'CT' } } });
    expect($('[role="alert"]')?.textContent).toContain('The edited pack for CT was not used');
    expect(view()?.getAttribute('data-state')).toBe('CT');
  });

  it('an unknown stored state is an error, not a blank page', () => {
    render({ ...DEFAULT_SETTINGS, state: 'ZZ' });
    expect($('[role="alert"]')?.textContent).toContain('No rule pack for state "ZZ"');
  });

  it('saves how continuing treatment is decided', async () => {
    render();
    set($('select[name="continuousTherapy"]') as HTMLSelectElement, 'order-flag-or-history');
    await act(async () => {
      await new Promise((r) => setTimeout(r, 10));
    });
    expect((await loadSettings()).continuousTherapy).toBe('order-flag-or-history');
  });

  it('saves another state for the practice', async () => {
    render();
    set($('select[name="state"]') as HTMLSelectElement, 'NY');
    await click(Array.from(container.querySelectorAll('button')).find((b) => b.textContent === 'Use NY for this practice') ?? null);
    expect((await loadSettings()).state).toBe('NY');
  });
});
