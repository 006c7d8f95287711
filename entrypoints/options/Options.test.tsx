import { QueryClient } from '@tanstack/react-query';
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { loadSettings, saveSettings, DEFAULT_SETTINGS } from '@/lib/storage/settings';
import { render } from '@/test/react';
import { Options } from './Options';

let container: HTMLDivElement;

async function settle(ms = 30): Promise<void> {
  await act(async () => {
    await new Promise((r) => setTimeout(r, ms));
  });
}

const input = (name: string) => container.querySelector<HTMLInputElement>(`input[name="${name}"]`);
const button = (name: string) => [...container.querySelectorAll('button')].find((b) => b.textContent.trim() === name);

describe('the options page', () => {
  it('after a confirmed reset, every form shows the defaults', async () => {
    await saveSettings({ state: 'WA', identity: { userId: 'u-1', name: 'Dr. Avery Quill', role: 'prescriber', npi: '1234567893' } });
    // The library's default QueryClient (with retries), as the page has.
    ({ container } = await render(<Options />, { client: new QueryClient() }));
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
