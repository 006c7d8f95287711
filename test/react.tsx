import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, vi } from 'vitest';

/**
 * Rendering React components in unit tests (happy-dom): a container in the document, every
 * update inside act(), a QueryClient without retries, and everything unmounted and removed
 * after each test of a file that imports this.
 */

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

export interface Rendered {
  container: HTMLDivElement;
  root: Root;
}

const mounted: Rendered[] = [];

afterEach(() => {
  for (const { root, container } of mounted.splice(0)) {
    act(() => {
      root.unmount();
    });
    container.remove();
  }
});

export interface RenderOptions {
  /** Wrap `ui` in a QueryClientProvider (default true). */
  query?: boolean;
  /** The QueryClient to provide (default: a new one without retries). */
  client?: QueryClient;
}

function mount(ui: ReactNode, { query = true, client }: RenderOptions): { rendered: Rendered; node: ReactNode } {
  const container = document.createElement('div');
  document.body.append(container);
  const rendered = { container, root: createRoot(container) };
  mounted.push(rendered);
  const provided = client ?? new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return { rendered, node: query ? <QueryClientProvider client={provided}>{ui}</QueryClientProvider> : ui };
}

/** Renders `ui` (inside a QueryClientProvider unless `query: false`; `client` to provide a given one) and lets its first effects run. */
export async function render(ui: ReactNode, options: RenderOptions = {}): Promise<Rendered> {
  const { rendered, node } = mount(ui, options);
  await act(async () => {
    rendered.root.render(node);
    await Promise.resolve();
  });
  return rendered;
}

/** Renders `ui` synchronously (for components that need no async work to show). */
export function renderNow(ui: ReactNode, options: RenderOptions = {}): Rendered {
  const { rendered, node } = mount(ui, options);
  act(() => {
    rendered.root.render(node);
  });
  return rendered;
}

/** Does `fn` (a click, typing) inside act and lets the updates it started settle. */
export async function interact(fn: () => void): Promise<void> {
  await act(async () => {
    fn();
    await Promise.resolve();
  });
}

/** Waits (inside act) until `check` stops throwing. */
export async function until(check: () => void, timeout = 4000): Promise<void> {
  await act(async () => {
    await vi.waitFor(check, { timeout });
  });
}

/** Types into a controlled input: React tracks the value it set, so the prototype's setter makes the change an edit. */
export function typeInto(input: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  const proto = input instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  Reflect.set(proto, 'value', value, input);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

/** The button whose text (or aria-label) is `name`, or matches it. */
export function buttonNamed(container: ParentNode, name: string | RegExp): HTMLButtonElement | undefined {
  const matches = (s: string | null | undefined): boolean => s != null && (typeof name === 'string' ? s.trim() === name : name.test(s));
  return [...container.querySelectorAll('button')].find((b) => matches(b.textContent) || matches(b.getAttribute('aria-label')));
}
