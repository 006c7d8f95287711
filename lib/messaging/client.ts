import { browser, type Browser } from 'wxt/browser';
import { PROTOCOL, Reply, type MessageType, type RequestOf, type ResponseOf } from './protocol';

export class MessagingError extends Error {
  override readonly name = 'MessagingError';
}

function unwrap<T extends MessageType>(type: T, raw: unknown): ResponseOf<T> {
  const reply = Reply.safeParse(raw);
  if (!reply.success) throw new MessagingError(`No valid answer to "${type}"`);
  if (!reply.data.ok) throw new MessagingError(reply.data.error);
  return PROTOCOL[type].response.parse(reply.data.value) as ResponseOf<T>;
}

/** Sends a typed message to the background; the request is checked before it leaves. */
export async function send<T extends MessageType>(type: T, data: RequestOf<T>): Promise<ResponseOf<T>> {
  const payload = PROTOCOL[type].request.parse(data);
  const raw: unknown = await browser.runtime.sendMessage({ type, data: payload });
  return unwrap(type, raw);
}

/** Sends a typed message to one tab's content script (all frames). */
export async function sendToTab<T extends MessageType>(tabId: number, type: T, data: RequestOf<T>): Promise<ResponseOf<T>> {
  const payload = PROTOCOL[type].request.parse(data);
  const raw: unknown = await browser.tabs.sendMessage(tabId, { type, data: payload });
  return unwrap(type, raw);
}

export type Sender = Browser.runtime.MessageSender;
