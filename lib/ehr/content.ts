import { browser } from 'wxt/browser';
import { listen, send } from '../messaging/content-client';
import type { PageLocation } from './adapter';
import { pickAdapter } from './adapters';
import { evaluateChannel } from './channel';
import { runController } from './controller';
import { frameViewOf } from './dom';
import { MAPPINGS_KEY, parseStoredMappings } from './mapping';
import { parseSites, SITES_KEY } from './sites';

function warn(what: string, e: unknown): void {
  console.warn(`PMP Check: ${what}`, e instanceof Error ? e.message : 'unknown error');
}

/**
 * The content script's body (entrypoints/ehr.content only wires it): pick the adapter for this
 * frame, run the controller, answer the background, and start over when the admin changes the
 * sites or saves a field mapping. Everything stops with `signal`. (The field mapper is not here:
 * the background injects it on demand, see mapper-frame.ts.)
 */
export async function startContent(win: Window, signal: AbortSignal): Promise<void> {
  const loc: PageLocation = win.location;
  const channel = evaluateChannel();
  let run: AbortController | undefined;
  let refresh: (() => void) | undefined;

  async function start(): Promise<void> {
    const stored: Record<string, unknown> = await browser.storage.local.get([SITES_KEY, MAPPINGS_KEY]).catch((e: unknown) => {
      warn('could not read the site settings', e);
      return {};
    });
    if (signal.aborted) return;
    const site = parseSites(stored[SITES_KEY]).find((s) => s.origin === loc.origin);
    const adapter = pickAdapter(loc, { mappings: parseStoredMappings(stored[MAPPINGS_KEY]), ...(site ? { site } : {}) });
    run?.abort();
    run = new AbortController();
    const mine = run;
    signal.addEventListener('abort', () => {
      mine.abort();
    });
    const offerMapper = adapter.id === 'generic' || adapter.id === 'mapped';
    const controller = runController(adapter, win.document, mine.signal, {
      frame: frameViewOf(win),
      evaluate: channel.evaluate,
      ...(offerMapper
        ? {
            onMapFields: () => {
              send('startMapper', {}).catch((e: unknown) => {
                warn('could not start the field mapper', e);
              });
            },
          }
        : {}),
    });
    refresh = controller.refresh;
  }

  const stopListening = listen({
    reviewChanged: () => {
      refresh?.();
      return { ok: true };
    },
  });
  const onStorage = (changes: Record<string, unknown>, area: string): void => {
    if (area !== 'local' || !(SITES_KEY in changes || MAPPINGS_KEY in changes)) return;
    start().catch((e: unknown) => {
      warn('could not restart after a settings change', e);
    });
  };
  browser.storage.onChanged.addListener(onStorage);
  signal.addEventListener('abort', () => {
    stopListening();
    browser.storage.onChanged.removeListener(onStorage);
    run?.abort();
    channel.close();
  });
  await start();
}
