import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAPPER_TAG, startMapper as start, type MapperHandle, type MapperHooks } from './mapper';
import { resolveLocator } from './locator';
import type { FieldMapping } from './mapping';
import { loadHtml, readFixture } from './test-helpers';

function hooks(over: Partial<MapperHooks> = {}) {
  return { isTop: true, sendPick: vi.fn(), save: vi.fn((_m: FieldMapping) => Promise.resolve()), stop: vi.fn(), ...over };
}

const panel = () => document.querySelector(MAPPER_TAG)?.shadowRoot;
const button = (name: string) => [...(panel()?.querySelectorAll('button') ?? [])].find((b) => b.textContent === name);
const current = () => panel()?.querySelector('li[aria-current="step"]')?.getAttribute('data-field');
const click = (sel: string) => {
  const el = document.querySelector(sel);
  if (!el) throw new Error(sel);
  el.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, composed: true }));
};

const started: MapperHandle[] = [];
function startMapper(doc: Document, h: MapperHooks): MapperHandle {
  const m = start(doc, h);
  started.push(m);
  return m;
}
afterEach(() => {
  for (const m of started.splice(0)) m.end();
});

beforeEach(async () => {
  await loadHtml(readFixture('generic/unlabeled.html'), { url: 'http://127.0.0.2:47811/fixtures/generic/unlabeled.html' });
});

describe('the field mapper', () => {
  it('walks the admin through each field and saves selectors (never values) for this origin', async () => {
    const h = hooks();
    const m = startMapper(document, h);
    expect(panel()?.querySelector('[role="dialog"]')?.getAttribute('aria-labelledby')).toBe('pmp-mapper-title');
    expect(current()).toBe('drug');
    expect(button('Save mapping')?.disabled).toBe(true);
    const drug = document.querySelector<HTMLInputElement>('#k91');
    if (drug) drug.value = 'oxycodone 5 mg tablet';
    click('#k91');
    expect(panel()?.textContent).toContain('✓ oxycodone 5 mg tablet');
    click('#k92');
    click('#k93');
    click('#k94');
    expect(current()).toBe('patientName');
    click('.q8x-a');
    click('.q8x-b');
    expect(current()).toBe('patientMrn');
    expect(button('Save mapping')?.disabled).toBe(false);
    button('Skip this field')?.click();
    expect(current()).toBeUndefined();
    button('Save mapping')?.click();
    await vi.waitFor(() => {
      expect(h.save).toHaveBeenCalledOnce();
    });
    const saved = vi.mocked(h.save).mock.calls[0]?.[0];
    expect(saved?.origin).toBe('http://127.0.0.2:47811');
    expect(resolveLocator(document, saved?.fields.drug ?? { path: [] })).toBe(document.querySelector('#k91'));
    expect(resolveLocator(document, saved?.fields.patientDob ?? { path: [] })).toBe(document.querySelector('.q8x-b'));
    expect(saved?.fields.patientName).not.toHaveProperty('label');
    expect(saved?.fields.patientMrn).toBeUndefined();
    expect(JSON.stringify(saved)).not.toMatch(/oxycodone|Testwell|1961|MRN-100234/);
    await vi.waitFor(() => {
      expect(panel()?.textContent).toContain('Saved.');
    });
    m.end();
    expect(document.querySelector(MAPPER_TAG)).toBeNull();
  });

  it('keeps the page from acting on the admin\'s clicks while picking', () => {
    const pageClick = vi.fn();
    document.querySelector('.z3-b')?.addEventListener('click', pageClick);
    startMapper(document, hooks());
    click('.z3-b');
    expect(pageClick).not.toHaveBeenCalled();
  });

  it('in a child frame, hands each pick to the background instead of showing a panel', () => {
    const h = hooks({ isTop: false });
    startMapper(document, h);
    expect(panel()?.querySelector('[role="dialog"]')).toBeNull();
    click('#k92');
    expect(h.sendPick).toHaveBeenCalledWith({ locator: { path: [expect.stringContaining('input') as unknown as string] } });
  });

  it('takes picks relayed from a child frame of the same origin, and refuses another site\'s with an explanation', () => {
    const m = startMapper(document, hooks());
    m.pickedElsewhere({ locator: { path: ['#x'] }, preview: 'oxycodone', origin: 'http://127.0.0.2:47811' });
    expect(current()).toBe('quantity');
    m.pickedElsewhere({ locator: { path: ['#y'] }, origin: 'https://erx.example' });
    expect(current()).toBe('quantity');
    expect(panel()?.querySelector('[role="status"]')?.textContent).toContain('another site (https://erx.example)');
  });

  it('a click on a label picks its field', () => {
    document.body.insertAdjacentHTML('beforeend', '<label for="lab-q">Qty</label><input id="lab-q" value="30">');
    startMapper(document, hooks());
    click('label[for="lab-q"]');
    expect(panel()?.textContent).toContain('✓ 30');
  });

  it('says why the save failed and keeps the picks', async () => {
    const h = hooks({ save: vi.fn(() => Promise.reject(new Error('A mapping can only be saved for the page it was made on'))) });
    startMapper(document, h);
    for (const sel of ['#k91', '#k92', '#k93', '#k94', '.q8x-a', '.q8x-b']) click(sel);
    button('Save mapping')?.click();
    await vi.waitFor(() => {
      expect(panel()?.querySelector('.status.error')?.textContent).toBe('A mapping can only be saved for the page it was made on');
    });
    expect(button('Save mapping')?.disabled).toBe(false);
  });

  it('starts over, cancels, and stops on Escape', () => {
    const h = hooks();
    startMapper(document, h);
    click('#k91');
    button('Start over')?.click();
    expect(current()).toBe('drug');
    button('Cancel')?.click();
    expect(h.stop).toHaveBeenCalledTimes(1);
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(h.stop).toHaveBeenCalledTimes(2);
  });
});
