import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { MAPPER_TAG } from './mapper';
import { runMapperFrame } from './mapper-frame';
import { loadHtml, readFixture } from './test-helpers';

const ownSender = { id: fakeBrowser.runtime.id, url: `chrome-extension://${fakeBrowser.runtime.id}/background.js` };
function fromBackground(type: string, data: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    void fakeBrowser.runtime.onMessage.trigger({ type, data }, ownSender, resolve);
    setTimeout(() => {
      resolve(undefined);
    }, 200);
  });
}

let toBackground: { type: string; data: unknown }[];
beforeEach(async () => {
  await loadHtml(readFixture('generic/unlabeled.html'), { url: 'http://127.0.0.2:47811/fixtures/generic/unlabeled.html' });
  toBackground = [];
  fakeBrowser.runtime.onMessage.addListener(((msg: { type: string; data: unknown }, _s: unknown, reply: (r: unknown) => void) => {
    if (!['mapperPick', 'mapperStop', 'saveMapping'].includes(msg.type)) return undefined;
    toBackground.push(msg);
    reply({ ok: true, value: msg.type === 'saveMapping' ? { saved: true } : { ok: true } });
    return true;
  }) as never);
});

const panel = () => document.querySelector(MAPPER_TAG)?.shadowRoot;

describe('the field mapper injected into a frame', () => {
  it('opens once however often it is injected, takes relayed picks, and closes on "mapperEnd"', async () => {
    runMapperFrame(window);
    runMapperFrame(window);
    expect(document.querySelectorAll(MAPPER_TAG)).toHaveLength(1);
    await expect(fromBackground('mapperPicked', { locator: { path: ['#k91'] }, preview: 'oxycodone', origin: 'http://127.0.0.2:47811' })).resolves.toEqual({ ok: true, value: { ok: true } });
    expect(panel()?.textContent).toContain('✓ oxycodone');
    await fromBackground('mapperEnd', {});
    expect(document.querySelector(MAPPER_TAG)).toBeNull();
    runMapperFrame(window); // can be opened again afterwards
    expect(document.querySelectorAll(MAPPER_TAG)).toHaveLength(1);
    await fromBackground('mapperEnd', {});
  });

  it('asks the background to close it everywhere on Cancel, and saves through the background', async () => {
    runMapperFrame(window);
    for (const sel of ['#k91', '#k92', '#k93', '#k94', '.q8x-a', '.q8x-b']) document.querySelector(sel)?.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, cancelable: true }));
    [...(panel()?.querySelectorAll('button') ?? [])].find((b) => b.textContent === 'Save mapping')?.click();
    await vi.waitFor(() => {
      expect(toBackground.map((m) => m.type)).toContain('saveMapping');
    });
    expect(toBackground.find((m) => m.type === 'saveMapping')?.data).toMatchObject({ mapping: { origin: 'http://127.0.0.2:47811' } });
    [...(panel()?.querySelectorAll('button') ?? [])].find((b) => b.textContent === 'Cancel')?.click();
    await vi.waitFor(() => {
      expect(toBackground.map((m) => m.type)).toContain('mapperStop');
    });
    await fromBackground('mapperEnd', {});
  });

  it('closes itself when the background cannot be reached', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    fakeBrowser.runtime.onMessage.removeAllListeners();
    runMapperFrame(window);
    [...(panel()?.querySelectorAll('button') ?? [])].find((b) => b.textContent === 'Cancel')?.click();
    await vi.waitFor(() => {
      expect(document.querySelector(MAPPER_TAG)).toBeNull();
    });
  });
});
