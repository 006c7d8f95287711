import { browser } from 'wxt/browser';
import { Envelope, PROTOCOL, type MessageType, type Reply, type RequestOf, type ResponseOf } from './protocol';
import type { Sender } from './client';

export type Handlers = {
  [T in MessageType]?: (data: RequestOf<T>, sender: Sender) => ResponseOf<T> | Promise<ResponseOf<T>>;
};

/** Only our own extension's contexts are answered: its pages and its content scripts. */
export function isOwnSender(sender: Sender): boolean {
  if (sender.id !== browser.runtime.id) return false;
  // Extension pages have our origin; content scripts come from a tab.
  const ownOrigin = browser.runtime.getURL('/');
  return sender.tab !== undefined || (sender.url?.startsWith(ownOrigin) ?? false);
}

async function dispatch(handlers: Handlers, message: unknown, sender: Sender): Promise<Reply | undefined> {
  const env = Envelope.safeParse(message);
  if (!env.success) return undefined;
  const type = env.data.type;
  const handler = handlers[type] as ((d: unknown, s: Sender) => unknown) | undefined;
  if (!handler) return undefined;
  if (!isOwnSender(sender)) return { ok: false, error: 'Refused: not from this extension' };
  const req = PROTOCOL[type].request.safeParse(env.data.data);
  if (!req.success) return { ok: false, error: `Invalid "${type}" request: ${req.error.issues[0]?.message ?? 'bad shape'}` };
  try {
    const value = PROTOCOL[type].response.parse(await handler(req.data, sender));
    return { ok: true, value };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Registers handlers for typed messages. Uses sendResponse + `return true` (not a returned
 * promise) so it works the same in Chrome, Firefox and the test fake. Returns an unsubscribe.
 * A handler may also run synchronous work first (e.g. sidePanel.open needs the user gesture):
 * `before` is called synchronously, before anything is awaited.
 */
export function listen(handlers: Handlers, before?: (message: unknown, sender: Sender) => void): () => void {
  const listener = (message: unknown, sender: Sender, sendResponse: (r: unknown) => void): true | undefined => {
    const env = Envelope.safeParse(message);
    if (!env.success || !handlers[env.data.type]) return undefined;
    before?.(message, sender);
    dispatch(handlers, message, sender).then(sendResponse, (e: unknown) => {
      sendResponse({ ok: false, error: String(e) });
    });
    return true;
  };
  browser.runtime.onMessage.addListener(listener);
  return () => {
    browser.runtime.onMessage.removeListener(listener);
  };
}
