import { QueryClient } from '@tanstack/react-query';
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS, LOCAL_DEMO_PMP, loadSettings, saveSettings, settingsItem, type Settings } from '@/lib/storage/settings';
import { settingsKeys } from '@/lib/storage/settings-query';
import { render as renderUi } from '@/test/react';
import { ResetSettings } from './reset-settings';

let container: HTMLDivElement;
let client: QueryClient;

const configured: Partial<Settings> = {
  state: 'WA',
  identity: { userId: 'u-1', name: 'Sam Nurse', role: 'delegate' },
  supervisingPrescribers: [{ name: 'Dr. Avery Quill', npi: '1234567893' }],
  pmp: LOCAL_DEMO_PMP,
  retentionYears: 10,
};

async function render(onReset = vi.fn()): Promise<{ settings: Settings; onReset: typeof onReset }> {
  const settings = await saveSettings(configured);
  client = new QueryClient();
  client.setQueryData(settingsKeys.all, settings);
  ({ container } = await renderUi(<ResetSettings settings={settings} onReset={onReset} />, { client }));
  return { settings, onReset };
}

const dialog = () => container.querySelector('dialog') as HTMLDialogElement;
const button = (name: string) => {
  const b = [...container.querySelectorAll('button')].find((x) => x.textContent.trim() === name);
  if (!b) throw new Error(`no button ${name}`);
  return b;
};
async function click(el: HTMLElement): Promise<void> {
  await act(async () => {
    el.click();
    await new Promise((r) => setTimeout(r, 10));
  });
}

describe('ResetSettings', () => {
  it('says what a reset changes and that the attestation log is never touched, before asking', async () => {
    await render();
    const text = container.textContent;
    expect(text).toContain('The attestation log is never touched by a reset');
    expect(dialog().open).toBe(false);
    expect(button('Reset settings…').getAttribute('aria-haspopup')).toBe('dialog');
  });

  it('asks first in a modal dialog that lists what is set now, with the safe choice focused', async () => {
    const showModal = vi.spyOn(HTMLDialogElement.prototype, 'showModal');
    await render();
    await click(button('Reset settings…'));
    expect(showModal).toHaveBeenCalledOnce();
    expect(dialog().open).toBe(true);
    expect(document.activeElement).toBe(button('Cancel'));
    const rows = [...dialog().querySelectorAll('tbody tr')].map((r) => r.textContent);
    expect(rows).toContainEqual(expect.stringContaining('Sam Nurse (delegate)'));
    expect(rows).toContainEqual(expect.stringContaining('1 prescriber'));
    expect(rows).toContainEqual(expect.stringContaining('Washington (WA)'));
    expect(rows).toContainEqual(expect.stringMatching(/Local demo PMP server, with a saved bearer token.*Bundled synthetic PMP.*; the saved credentials are deleted/));
    expect(rows).toContainEqual(expect.stringMatching(/10 years.*6 years/));
    const kept = document.getElementById(dialog().getAttribute('aria-describedby') ?? '')?.textContent ?? '';
    expect(kept).toContain('The attestation log.');
    expect(kept).toContain('never changes it');
    expect(dialog().getAttribute('aria-labelledby')).toBeTruthy();
  });

  it('Cancel changes nothing and gives the focus back to the button', async () => {
    const { onReset } = await render();
    await click(button('Reset settings…'));
    await click(button('Cancel'));
    expect(dialog().open).toBe(false);
    expect(document.activeElement).toBe(button('Reset settings…'));
    expect(onReset).not.toHaveBeenCalled();
    expect(await loadSettings()).toMatchObject(configured);
    expect(container.querySelector('[data-testid="reset-done"]')).toBeNull();
  });

  it('Escape (the dialog’s cancel) changes nothing and gives the focus back', async () => {
    const { onReset } = await render();
    await click(button('Reset settings…'));
    await act(async () => {
      // What the browser does on Escape in a modal dialog: "cancel", then close unless prevented.
      const cancel = new Event('cancel', { cancelable: true });
      dialog().dispatchEvent(cancel);
      if (!cancel.defaultPrevented) dialog().close();
      await Promise.resolve();
    });
    expect(dialog().open).toBe(false);
    expect(document.activeElement).toBe(button('Reset settings…'));
    expect(onReset).not.toHaveBeenCalled();
    expect(await loadSettings()).toMatchObject(configured);
  });

  it('on confirmation restores the defaults through the settings layer, and says so', async () => {
    const { onReset } = await render();
    await click(button('Reset settings…'));
    await click(button('Reset settings'));
    await act(async () => {
      await new Promise((r) => setTimeout(r, 20));
    });
    expect(await loadSettings()).toEqual(DEFAULT_SETTINGS);
    expect(client.getQueryData(settingsKeys.all)).toEqual(DEFAULT_SETTINGS);
    expect(onReset).toHaveBeenCalledOnce();
    expect(dialog().open).toBe(false);
    expect(document.activeElement).toBe(button('Reset settings…'));
    const done = container.querySelector('[data-testid="reset-done"]');
    expect(done?.getAttribute('role')).toBe('status');
    expect(done?.textContent).toContain('The attestation log was not touched');
  });

  it('keeps the dialog open with the reason when the reset cannot be written, changing nothing', async () => {
    const { onReset } = await render();
    vi.spyOn(settingsItem, 'setValue').mockRejectedValueOnce(new Error('storage is full'));
    await click(button('Reset settings…'));
    await click(button('Reset settings'));
    await act(async () => {
      await new Promise((r) => setTimeout(r, 20));
    });
    expect(dialog().open).toBe(true);
    expect(dialog().querySelector('[role="alert"]')?.textContent).toBe('Could not reset: storage is full. Nothing was changed.');
    expect(onReset).not.toHaveBeenCalled();
    expect(await loadSettings()).toMatchObject(configured);
    // Opened again, the old error is gone.
    await click(button('Cancel'));
    await click(button('Reset settings…'));
    expect(dialog().querySelector('[role="alert"]')).toBeNull();
  });
});
