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

  it('does not poll while typing keeps the page read, and polls a poll interval after the last scan', async () => {
    const onChange = vi.fn();
    const w = watchPage(document, abort.signal, onChange, { pollMs: 1000 });
    await tick(30);
    onChange.mockClear();
    const q = document.querySelector('#q');
    // 2.4 s of typing, a key every 80 ms: one scan per key, no poll in between.
    for (let i = 0; i < 30; i++) {
      q?.dispatchEvent(new Event('input', { bubbles: true }));
      await tick(80);
    }
    expect(onChange).toHaveBeenCalledTimes(30);
    expect(onChange).not.toHaveBeenCalledWith('poll');
    const changes = w.changes();
    // The last scan was 55 ms ago: the poll comes 1 s after it, not later.
    await tick(940);
    expect(onChange).not.toHaveBeenCalledWith('poll');
    await tick(20);
    expect(onChange).toHaveBeenLastCalledWith('poll');
    expect(w.changes()).toBe(changes + 1);
  });

  it('looks for late shadow roots only once the typing pauses', async () => {
    const onChange = vi.fn();
    const w = watchPage(document, abort.signal, onChange, { pollMs: 100 });
    await tick(30);
    const host = document.createElement('x-late');
    document.body.append(host);
    await tick(30);
    const root = host.attachShadow({ mode: 'open' });
    const q = document.querySelector('#q');
    for (let i = 0; i < 10; i++) {
      q?.dispatchEvent(new Event('input', { bubbles: true }));
      await tick(40);
    }
    expect(w.shadowRoots()).not.toContain(root);
    await tick(250);
    expect(w.shadowRoots()).toContain(root);
  });

  it('counts changes to the page, but not typing', async () => {
    const w = watchPage(document, abort.signal, vi.fn(), { pollMs: 60_000 });
    await tick(30);
    const c0 = w.changes();
    const q = document.querySelector<HTMLInputElement>('#q');
    if (q) q.value = '40';
    q?.dispatchEvent(new Event('input', { bubbles: true }));
    await tick(30);
    expect(w.changes()).toBe(c0);
    q?.setAttribute('class', 'shown');
    await tick(30);
    expect(w.changes()).toBe(c0 + 1);
  });

  it('ignores events from inside its own prompt, also when the prompt is inside a page\'s shadow root', async () => {
    const onChange = vi.fn();
    watchPage(document, abort.signal, onChange, { pollMs: 60_000 });
    await tick(30);
    const p = createPrompt(document, { onReview: vi.fn() });
    const form = document.querySelector('#f');
    if (form) p.place(form);
    const widget = document.createElement('div');
    document.body.append(widget);
    const pageRoot = widget.attachShadow({ mode: 'open' });
    pageRoot.innerHTML = '<form id="inner"><input></form>';
    const inner = pageRoot.querySelector('#inner');
    const p2 = createPrompt(document, { onReview: vi.fn() });
    if (inner) p2.place(inner);
    await tick(30);
    onChange.mockClear();
    for (const host of [p.host, p2.host]) {
      const input = document.createElement('input');
      host.shadowRoot?.append(input);
      input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    }
    await tick(30);
    expect(onChange).not.toHaveBeenCalled();
    // The page's own field in that shadow root is an edit.
    pageRoot.querySelector('input')?.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await tick(30);
    expect(onChange).toHaveBeenCalledWith('edit');
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
