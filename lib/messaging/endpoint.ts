import { browser, type Browser } from 'wxt/browser';
import type { output, $ZodType } from 'zod/v4/core';
import { Reply } from './content-protocol';

/**
 * Sending and answering typed messages over any table of request/response schemas: PROTOCOL
 * (client.ts, server.ts) or the content script's part of it (content-client.ts). Imports no
 * schema library itself, so the content script carries only the schemas it uses.
 */

export type Sender = Browser.runtime.MessageSender;

export class MessagingError extends Error {
  override readonly name = 'MessagingError';
}

/** What the endpoints need of a schema: classic and mini zod schemas both have these. */
interface Schema {
  parse(data: unknown): unknown;
  safeParse(data: unknown): { success: true; data: unknown } | { success: false; error: { issues: readonly { message: string }[] } };
}

export interface MessageSpec {
  request: $ZodType & Schema;
  response: $ZodType & Schema;
}
export type MessageTable = Readonly<Record<string, MessageSpec>>;

export type RequestIn<P extends MessageTable, T extends keyof P> = output<P[T]['request']>;
export type ResponseIn<P extends MessageTable, T extends keyof P> = output<P[T]['response']>;

export type HandlersFor<P extends MessageTable> = {
  [T in keyof P]?: (data: RequestIn<P, T>, sender: Sender) => ResponseIn<P, T> | Promise<ResponseIn<P, T>>;
};

/** Only our own extension's contexts are answered: its pages and its content scripts. */
export function isOwnSender(sender: Sender): boolean {
  if (sender.id !== browser.runtime.id) return false;
  // Extension pages have our origin; content scripts come from a tab.
  const ownOrigin = browser.runtime.getURL('/');
  return sender.tab !== undefined || (sender.url?.startsWith(ownOrigin) ?? false);
}

/** The value of a reply envelope, checked against the response schema; throws MessagingError otherwise. */
export function unwrapReply<P extends MessageTable, T extends keyof P & string>(protocol: P, type: T, raw: unknown): ResponseIn<P, T> {
  const reply = Reply.safeParse(raw);
  if (!reply.success) throw new MessagingError(`No valid answer to "${type}"`);
  if (!reply.data.ok) throw new MessagingError(reply.data.error);
  return (protocol[type] as MessageSpec).response.parse(reply.data.value) as ResponseIn<P, T>;
}

/** The message's type when it is an envelope ({type, data}) of a message in the table. */
export function messageType<P extends MessageTable>(protocol: P, message: unknown): (keyof P & string) | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const type = (message as { type?: unknown }).type;
  return typeof type === 'string' && Object.hasOwn(protocol, type) ? type : undefined;
}

async function dispatch<P extends MessageTable>(protocol: P, handlers: HandlersFor<P>, type: keyof P & string, message: object, sender: Sender): Promise<Reply> {
  const handler = handlers[type] as ((d: unknown, s: Sender) => unknown) | undefined;
  if (!handler) return { ok: false, error: `No handler for "${type}"` };
  if (!isOwnSender(sender)) return { ok: false, error: 'Refused: not from this extension' };
  const spec = protocol[type] as MessageSpec;
  const req = spec.request.safeParse((message as { data?: unknown }).data);
  if (!req.success) return { ok: false, error: `Invalid "${type}" request: ${req.error.issues[0]?.message ?? 'bad shape'}` };
  try {
    const value = spec.response.parse(await handler(req.data, sender));
    return { ok: true, value };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Registers handlers for the table's messages: the request is parsed, the sender checked and the
 * answer parsed before it is sent. Uses sendResponse + `return true` (not a returned promise) so
 * it works the same in Chrome, Firefox and the test fake. `before` runs synchronously, before
 * anything is awaited (sidePanel.open needs the user gesture). Returns an unsubscribe.
 */
export function listenFor<P extends MessageTable>(protocol: P, handlers: HandlersFor<P>, before?: (message: unknown, sender: Sender) => void): () => void {
  const listener = (message: unknown, sender: Sender, sendResponse: (r: unknown) => void): true | undefined => {
    const type = messageType(protocol, message);
    if (type === undefined || !handlers[type]) return undefined;
    before?.(message, sender);
    dispatch(protocol, handlers, type, message as object, sender).then(sendResponse, (e: unknown) => {
      sendResponse({ ok: false, error: String(e) });
    });
    return true;
  };
  browser.runtime.onMessage.addListener(listener);
  return () => {
    browser.runtime.onMessage.removeListener(listener);
  };
}

/** Sends a typed message to the background; the request is checked before it leaves, the answer when it comes back. */
export async function sendVia<P extends MessageTable, T extends keyof P & string>(protocol: P, type: T, data: RequestIn<P, T>): Promise<ResponseIn<P, T>> {
  const payload = (protocol[type] as MessageSpec).request.parse(data);
  const raw: unknown = await browser.runtime.sendMessage({ type, data: payload });
  return unwrapReply(protocol, type, raw);
}
