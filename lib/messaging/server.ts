import { listenFor, type HandlersFor, type Sender } from './endpoint';
import { PROTOCOL, type Protocol } from './protocol';

export { isOwnSender } from './endpoint';

export type Handlers = HandlersFor<Protocol>;

/**
 * Registers handlers for typed messages (see endpoint.ts: parsed both ways, senders checked).
 * `before` is called synchronously, before anything is awaited (sidePanel.open needs the user
 * gesture). Returns an unsubscribe.
 */
export function listen(handlers: Handlers, before?: (message: unknown, sender: Sender) => void): () => void {
  return listenFor(PROTOCOL, handlers, before);
}
