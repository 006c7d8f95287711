import { listenFor, sendVia, type HandlersFor, type RequestIn, type ResponseIn, type Sender } from './endpoint';
import { CONTENT_PROTOCOL, type ContentMessageType, type ContentProtocol } from './content-protocol';

/**
 * The content script's end of the messaging: the same envelopes, checks and schemas as
 * client.ts / server.ts, over only the messages the content script uses, so it does not load
 * the whole protocol (and classic zod) on every EHR page.
 */

export type ContentRequest<T extends ContentMessageType> = RequestIn<ContentProtocol, T>;
export type ContentResponse<T extends ContentMessageType> = ResponseIn<ContentProtocol, T>;

/** Sends a typed message to the background; the request is checked before it leaves, the answer when it comes back. */
export function send<T extends ContentMessageType>(type: T, data: ContentRequest<T>): Promise<ContentResponse<T>> {
  return sendVia(CONTENT_PROTOCOL, type, data);
}

/** Answers the background's messages to this frame (parsed, from our own extension only). Returns an unsubscribe. */
export function listen(handlers: HandlersFor<ContentProtocol>, before?: (message: unknown, sender: Sender) => void): () => void {
  return listenFor(CONTENT_PROTOCOL, handlers, before);
}
