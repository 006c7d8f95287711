import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSettings, saveSettings, DEFAULT_SETTINGS } from '@/lib/storage/settings';
import { Options } from './Options';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLDivElement;
let root: Root;

async function settle(ms = 30): Promise<void> {
  await act(async () => {
    await new Promise((r) => setTimeout(r, ms));
  });
}

afterEach(() => {
  act(() => {
    root.unmount();
  });
  container.remove();
});

const input = (name: string) => container.querySelector<HTMLInputElement>(`input[name="${name}"]`);
const button = (name: string) => [...container.querySelectorAll('button')].find((b) => b.textContent.trim() === name);

describe('the options page', () => {
  it('after a confirmed reset, every form shows the defaults', async () => {
    await saveSettings({ state: 'WA', identity: { userId: 'u-1', name: 'Dr. Avery Quill', role: 'prescriber', npi: '1234567893' } });
    container = document.createElement('div');
    document.body.append(container);
    root = createRoot(container);
    await act(async () => {
      root.render(
        <QueryClientProvider client={new QueryClient()}>
          <Options />
        </QueryClientProvider>,
      );
      await Promise.resolve();
    });
    await settle();
    expect(input('name')?.value).toBe('Dr. Avery Quill');
    expect(input('npi')?.value).toBe('1234567893');
    expect((container.querySelector('select[name="state"]') as HTMLSelectElement).value).toBe('WA');
    // The reset control comes last, after the attestation log.
    const sections = [...container.querySelectorAll('main > section, main > [data-testid]')];
    expect(sections.at(-1)?.getAttribute('data-testid')).toBe('reset-settings');

    await act(async () => {
      button('Reset settings…')?.click();
      await Promise.resolve();
    });
    await act(async () => {
      button('Reset settings')?.click();
      await new Promise((r) => setTimeout(r, 30));
    });
    await settle();
    expect(await loadSettings()).toEqual(DEFAULT_SETTINGS);
    expect(input('name')?.value).toBe('');
    expect(input('npi')?.value).toBe('');
    expect((container.querySelector('select[name="state"]') as HTMLSelectElement).value).toBe('CT');
    expect(container.querySelector('[data-testid="reset-done"]')?.textContent).toContain('Settings reset to their defaults');
  });
});
