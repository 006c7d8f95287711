import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPrompt } from './prompt';
import { watchPage } from './watcher';

let abort: AbortController;
beforeEach(() => {
  // Fake time only: real time passing on a loaded machine would make the debounce flaky to test.
  vi.useFakeTimers();
  document.body.innerHTML = '<form id="f"><input id="q"></form>';
  abort = new AbortController();
});
afterEach(() => {
  abort.abort();
  vi.useRealTimers();
});

const tick = (ms: number) => vi.advanceTimersByTimeAsync(ms);

describe('watching the page', () => {
  it('scans once at start, then 25 ms after the last edit', async () => {
    const onChange = vi.fn();
    watchPage(document, abort.signal, onChange, { pollMs: 60_000 });
    await tick(30);
    expect(onChange).toHaveBeenCalledTimes(1);
    const q = document.querySelector<HTMLInputElement>('#q');
    for (let i = 0; i < 3; i++) {
      q?.dispatchEvent(new Event('input', { bubbles: true }));
      await tick(10);
    }
    expect(onChange).toHaveBeenCalledTimes(1);
    await tick(30);
    expect(onChange).toHaveBeenCalledTimes(2);
  });

  it('still scans a page that never stops changing (at least every 250 ms)', async () => {
    const onChange = vi.fn();
    watchPage(document, abort.signal, onChange, { pollMs: 60_000 });
    await tick(30);
    onChange.mockClear();
    const q = document.querySelector('#q');
    for (let i = 0; i < 40; i++) {
      q?.setAttribute('class', `spin-${String(i)}`);
      await tick(10);
    }
    expect(onChange.mock.calls.length).toBeGreaterThanOrEqual(1);
  });

  it('counts structure changes (added or removed elements) but not value edits', async () => {
    const w = watchPage(document, abort.signal, vi.fn(), { pollMs: 60_000 });
    const g0 = w.generation();
    document.querySelector('#q')?.setAttribute('value', '3');
    await tick(30);
    expect(w.generation()).toBe(g0);
    document.body.append(document.createElement('section'));
    await tick(30);
    expect(w.generation()).toBe(g0 + 1);
  });

  it('ignores its own prompt being placed and re-rendered', async () => {
    const onChange = vi.fn();
    const w = watchPage(document, abort.signal, onChange, { pollMs: 60_000 });
    await tick(30);
    onChange.mockClear();
    const g = w.generation();
    const p = createPrompt(document, { onReview: vi.fn() });
    const form = document.querySelector('#f');
    if (form) p.place(form);
    await tick(30);
    expect(onChange).not.toHaveBeenCalled();
    expect(w.generation()).toBe(g);
  });

  it('watches inside open shadow roots, also ones that appear later', async () => {
    const onChange = vi.fn();
    const w = watchPage(document, abort.signal, onChange, { pollMs: 100 });
    await tick(30);
    const host = document.createElement('x-late');
    document.body.append(host);
    await tick(30);
    // Attached after insertion (a custom element upgraded late): only the poll can find it.
    const root = host.attachShadow({ mode: 'open' });
    await tick(120);
    expect(w.shadowRoots()).toContain(root);
    onChange.mockClear();
    const g = w.generation();
    root.innerHTML = '<form><input></form>';
    await tick(30);
    expect(onChange).toHaveBeenCalled();
    expect(w.generation()).toBeGreaterThan(g);
  });

  it('polls for values set with no event and no mutation, and stops on abort', async () => {
    const onChange = vi.fn();
    watchPage(document, abort.signal, onChange, { pollMs: 1000 });
    await tick(30);
    onChange.mockClear();
    await tick(1000);
    expect(onChange).toHaveBeenCalledWith('poll');
    abort.abort();
    onChange.mockClear();
    await tick(3000);
    document.body.append(document.createElement('div'));
    await tick(30);
    expect(onChange).not.toHaveBeenCalled();
  });
});
