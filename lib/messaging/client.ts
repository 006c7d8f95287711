import { browser } from 'wxt/browser';
import { sendVia, unwrapReply } from './endpoint';
import { PROTOCOL, type MessageType, type RequestOf, type ResponseOf } from './protocol';

export { MessagingError, type Sender } from './endpoint';

/** Sends a typed message to the background; the request is checked before it leaves. */
export function send<T extends MessageType>(type: T, data: RequestOf<T>): Promise<ResponseOf<T>> {
  return sendVia(PROTOCOL, type, data);
}

/** Sends a typed message to one tab's content script (all frames). */
export async function sendToTab<T extends MessageType>(tabId: number, type: T, data: RequestOf<T>): Promise<ResponseOf<T>> {
  const payload = PROTOCOL[type].request.parse(data);
  const raw: unknown = await browser.tabs.sendMessage(tabId, { type, data: payload });
  return unwrapReply(PROTOCOL, type, raw);
}
