import { browser, type Browser } from 'wxt/browser';
import type { Sender } from '../messaging/client';
import { PROTOCOL, Reply, type MessageType, type RequestOf, type ResponseOf } from '../messaging/protocol';
import { isOwnSender, type Handlers } from '../messaging/server';
import { EVALUATE_PORT, PortRequest } from './channel';
import { originPattern } from './origin';
import { loadSites, saveMappings } from './site-store';
import { SITES_KEY, syncContentScripts, type RegistrationApi } from './sites';

/** The built field mapper (entrypoints/ehr-mapper.ts), injected when an admin starts it. */
export const MAPPER_SCRIPT_FILE = '/ehr-mapper.js';

/**
 * The background's part of noticing orders: prompt dismissals, the field mapper's relay
 * between frames, and the runtime content-script registration for granted EHR sites.
 * Background only (never imported by the content script).
 */

function senderOrigin(sender: Sender): string {
  const url = sender.url ?? sender.tab?.url;
  if (!url) throw new Error('Message without a page');
  return new URL(url).origin;
}

/** Sends a typed message to one frame of a tab (frameId 0 is the top frame), or to all frames. */
export async function sendToFrame<T extends MessageType>(tabId: number, frameId: number | undefined, type: T, data: RequestOf<T>): Promise<ResponseOf<T>> {
  const payload = PROTOCOL[type].request.parse(data);
  const raw: unknown = await browser.tabs.sendMessage(tabId, { type, data: payload }, frameId === undefined ? undefined : { frameId });
  const reply = Reply.safeParse(raw);
  if (!reply.success) throw new Error(`No valid answer to "${type}"`);
  if (!reply.data.ok) throw new Error(reply.data.error);
  return PROTOCOL[type].response.parse(reply.data.value) as ResponseOf<T>;
}

export type DismissRequest = RequestOf<'dismissPrompt'>;

export interface EhrBackgroundDeps {
  /**
   * Records a dismissal exactly as the side panel's "declined" / "exempted" would (the core
   * attest handler, with its rules: reasons, who may decline, the state's exemptions).
   */
  recordDismissal(req: DismissRequest, sender: Sender): Promise<ResponseOf<'dismissPrompt'>>;
}

async function findTab(origin: string): Promise<{ id: number; windowId?: number } | undefined> {
  const tabs = await browser.tabs.query({});
  const matching = tabs.filter((t) => {
    try {
      return t.url !== undefined && new URL(t.url).origin === origin;
    } catch {
      return false;
    }
  });
  const best = matching.find((t) => t.active) ?? matching[0];
  return best?.id === undefined ? undefined : { id: best.id, windowId: best.windowId };
}

/** Message handlers for dismissals and the field mapper. */
export function createEhrHandlers(deps: EhrBackgroundDeps): Handlers {
  return {
    dismissPrompt: (req, sender) => deps.recordDismissal(req, sender),

    async startMapper({ tabId, origin }, sender) {
      let target: { id: number; windowId?: number } | undefined = tabId !== undefined ? { id: tabId } : undefined;
      if (!target && origin) target = await findTab(origin);
      if (!target && sender.tab?.id !== undefined) target = { id: sender.tab.id };
      if (!target) return { started: false, error: `Open ${origin ?? 'the EHR'} in a tab first, then map its fields.` };
      await browser.tabs.update(target.id, { active: true }).catch(() => undefined);
      if (target.windowId !== undefined) await browser.windows.update(target.windowId, { focused: true }).catch(() => undefined);
      try {
        // Injected on demand into every frame we may access: the mapper is not part of the content script.
        await browser.scripting.executeScript({ target: { tabId: target.id, allFrames: true }, files: [MAPPER_SCRIPT_FILE] });
        return { started: true };
      } catch {
        return { started: false, error: 'PMP Check may not read that page: add its site (and reload the EHR tab), then try again.' };
      }
    },

    async mapperPick(pick, sender) {
      const tabId = sender.tab?.id;
      if (tabId === undefined) throw new Error('Not sent from a tab');
      await sendToFrame(tabId, 0, 'mapperPicked', { ...pick, origin: senderOrigin(sender) });
      return { ok: true };
    },

    async mapperStop(_req, sender) {
      const tabId = sender.tab?.id;
      if (tabId === undefined) throw new Error('Not sent from a tab');
      await sendToFrame(tabId, undefined, 'mapperEnd', {}).catch(() => undefined);
      return { ok: true };
    },

    async saveMapping({ mapping }, sender) {
      // A page may only save a mapping for itself.
      if (sender.tab && senderOrigin(sender) !== mapping.origin) throw new Error('A mapping can only be saved for the page it was made on');
      await saveMappings([mapping]);
      return { saved: true };
    },
  };
}

/**
 * Answers "evaluate" on the content scripts' long-lived ports (channel.ts) with the same handler,
 * the same schemas and the same refusals as runtime messages. Returns a stop function.
 */
export function serveEvaluatePort(evaluate: (req: RequestOf<'evaluate'>, sender: Sender) => Promise<ResponseOf<'evaluate'>>): () => void {
  const onConnect = (port: Browser.runtime.Port): void => {
    if (port.name !== EVALUATE_PORT) return;
    const sender = port.sender;
    if (!sender || !isOwnSender(sender)) {
      port.disconnect();
      return;
    }
    const post = (msg: unknown): void => {
      try {
        port.postMessage(msg);
      } catch {
        // The page went away while we were deciding: nobody to answer.
      }
    };
    port.onMessage.addListener((msg: unknown) => {
      const m = PortRequest.safeParse(msg);
      if (!m.success) return;
      const { id } = m.data;
      const req = PROTOCOL.evaluate.request.safeParse(m.data.data);
      if (!req.success) {
        post({ id, reply: { ok: false, error: `Invalid "evaluate" request: ${req.error.issues[0]?.message ?? 'bad shape'}` } });
        return;
      }
      evaluate(req.data, sender).then(
        (value) => {
          post({ id, reply: { ok: true, value: PROTOCOL.evaluate.response.parse(value) } });
        },
        (e: unknown) => {
          post({ id, reply: { ok: false, error: e instanceof Error ? e.message : String(e) } });
        },
      );
    });
  };
  browser.runtime.onConnect.addListener(onConnect);
  return () => {
    browser.runtime.onConnect.removeListener(onConnect);
  };
}

/** The chrome.permissions / chrome.scripting calls the site registration needs. */
export function browserRegistrationApi(): RegistrationApi {
  return {
    contains: (origin) => browser.permissions.contains({ origins: [originPattern(origin)] }),
    registered: async () => (await browser.scripting.getRegisteredContentScripts()).map((s) => ({ id: s.id, ...(s.matches ? { matches: s.matches } : {}) })),
    register: (script) => browser.scripting.registerContentScripts([script]),
    update: (script) => browser.scripting.updateContentScripts([script]),
    unregister: (id) => browser.scripting.unregisterContentScripts({ ids: [id] }),
  };
}

/**
 * Keeps the content script registered for exactly the granted EHR sites: now, when the site
 * list changes, and when a permission is granted or revoked (also from chrome://extensions).
 */
export function watchSites(api: RegistrationApi = browserRegistrationApi()): () => void {
  let chain = Promise.resolve();
  const sync = (): void => {
    // One sync at a time: registerContentScripts rejects a duplicate id.
    chain = chain
      .then(async () => {
        await syncContentScripts(api, await loadSites());
      })
      .catch((e: unknown) => {
        console.warn('PMP Check: could not register the content script for the EHR sites', e instanceof Error ? e.message : e);
      });
  };
  const onStorage = (changes: Record<string, unknown>, area: string): void => {
    if (area === 'local' && SITES_KEY in changes) sync();
  };
  browser.storage.onChanged.addListener(onStorage);
  browser.permissions.onAdded.addListener(sync);
  browser.permissions.onRemoved.addListener(sync);
  sync();
  return () => {
    browser.storage.onChanged.removeListener(onStorage);
    browser.permissions.onAdded.removeListener(sync);
    browser.permissions.onRemoved.removeListener(sync);
  };
}
