import { QueryClient } from '@tanstack/react-query';
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { getPack } from '@/lib/rules/packs';
import { DEFAULT_SETTINGS, loadSettings, type Settings } from '@/lib/storage/settings';
import { renderNow } from '@/test/react';
import { StateRules } from './state-rules';

let container: HTMLDivElement;

function render(settings: Settings = DEFAULT_SETTINGS) {
  // The library's default QueryClient (with retries), as before.
  ({ container } = renderNow(<StateRules settings={settings} />, { client: new QueryClient() }));
}

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

  describe('importing and exporting a pack as a JSON file', () => {
    const fileInput = () => $('input[type="file"][name="pack-import"]') as HTMLInputElement;
    const ct = () => JSON.parse(JSON.stringify(getPack('CT'))) as { rules: { id: string; type: string; hours?: number; intervalDays?: unknown }[] };

    async function importFile(name: string, content: string): Promise<void> {
      const input = fileInput();
      Object.defineProperty(input, 'files', { configurable: true, value: [new File([content], name, { type: 'application/json' })] });
      await act(async () => {
        input.dispatchEvent(new Event('change', { bubbles: true }));
        await new Promise((r) => setTimeout(r, 20));
      });
    }

    it.each([
      [
        'a rule whose interval is a word',
        () => {
          const pack = ct();
          const rule = pack.rules.find((r) => r.type === 'periodic-review');
          if (rule) rule.intervalDays = 'ninety';
          return { text: JSON.stringify(pack), place: `rules[${String(rule ? pack.rules.indexOf(rule) : -1)}].intervalDays (rule "${rule?.id ?? ''}")`, why: 'expected number, received string' };
        },
      ],
      ['a file that is not JSON', () => ({ text: 'state,rules\nCT,72', place: '', why: 'Not valid JSON' })],
      ['a pack for another state', () => ({ text: JSON.stringify(getPack('NY')), place: '', why: "This pack is for NY; edit CT's pack here." })],
      ['a pack with no version', () => ({ text: JSON.stringify({ ...getPack('CT'), version: undefined }), place: 'version', why: 'expected string' })],
    ])('refuses %s, naming the field, and changes nothing', async (_name, make) => {
      render();
      const box = $('textarea') as HTMLTextAreaElement;
      const before = box.value;
      const { text, place, why } = make();
      await importFile('ct-pack.json', text);
      const alert = $('.sr-edit [role="alert"]')?.textContent ?? '';
      expect(alert).toContain('ct-pack.json was not imported, nothing changed.');
      expect(alert).toContain(place);
      expect(alert).toContain(why);
      expect((await loadSettings()).packEdits).toEqual({});
      expect(box.value).toBe(before);
      expect(fileInput().value).toBe('');
    });

    it('imports a good pack: a raised threshold is saved as an administrator edit', async () => {
      render();
      const pack = ct();
      const rule = pack.rules.find((r) => r.type === 'supply-over');
      if (!rule) throw new Error('CT has a supply rule');
      rule.hours = 120;
      await importFile('ct-120h.json', JSON.stringify(pack));
      expect($('.sr-edit [role="alert"]')).toBeNull();
      const stored = (await loadSettings()).packEdits.CT as { rules: { id: string; hours?: number }[]; provenance: { kind: string } };
      expect(stored.rules.find((r) => r.id === rule.id)?.hours).toBe(120);
      expect(stored.provenance.kind).toBe('admin');
    });

    it('exports the pack in force as a JSON file that imports back', async () => {
      const blobs: Blob[] = [];
      vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
        blobs.push(b as Blob);
        return 'blob:pack';
      });
      vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
      let download = '';
      vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
        download = this.download;
      });
      render();
      await click(Array.from(container.querySelectorAll('button')).find((b) => b.textContent === "Export CT's pack (JSON)") ?? null);
      expect(download).toBe(`pmp-check-pack-CT-${getPack('CT').version}.json`);
      const exported = await blobs[0]?.text();
      expect(JSON.parse(exported ?? 'null')).toEqual(JSON.parse(JSON.stringify(getPack('CT'))));
      await importFile(download, exported ?? '');
      expect($('.sr-edit [role="alert"]')).toBeNull();
      expect((await loadSettings()).packEdits.CT).toBeDefined();
    });
  });
});
