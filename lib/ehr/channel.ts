import { browser, type Browser } from 'wxt/browser';
import { z } from 'zod/mini'; // the content script loads this module: no classic zod (lib/messaging/content-bundle.test.ts)
import { CONTENT_PROTOCOL, Reply } from '../messaging/content-protocol';
import type { RequestOf, ResponseOf } from '../messaging/protocol';

/**
 * "evaluate" over one long-lived port per frame. The prompt follows the typing, so this is the
 * content script's most frequent message; a port reuses one channel where runtime.sendMessage
 * opens a new one each time, which on a keystroke costs the page more than everything else the
 * content script does. Same schemas as every other message (lib/messaging/content-protocol.ts),
 * parsed at both ends.
 */
export const EVALUATE_PORT = 'pmp-check:evaluate';

export const PortRequest = z.object({ id: z.int().check(z.nonnegative()), data: z.unknown() });
export const PortReply = z.object({ id: z.int().check(z.nonnegative()), reply: Reply });

type Port = Browser.runtime.Port;

interface Waiter {
  resolve: (v: ResponseOf<'evaluate'>) => void;
  reject: (e: Error) => void;
}

class Disconnected extends Error {
  override readonly name = 'Disconnected';
}

export interface EvaluateChannel {
  evaluate: (req: RequestOf<'evaluate'>) => Promise<ResponseOf<'evaluate'>>;
  close: () => void;
}

/** A port to the background for "evaluate", opened on first use and again after a disconnect. */
export function evaluateChannel(connect: () => Port = () => browser.runtime.connect({ name: EVALUATE_PORT })): EvaluateChannel {
  let port: Port | undefined;
  let seq = 0;
  const pending = new Map<number, Waiter>();

  function open(): Port {
    const p = connect();
    p.onMessage.addListener((msg: unknown) => {
      const parsed = PortReply.safeParse(msg);
      if (!parsed.success) return;
      const waiter = pending.get(parsed.data.id);
      if (!waiter) return;
      pending.delete(parsed.data.id);
      const reply = parsed.data.reply;
      if (!reply.ok) {
        waiter.reject(new Error(reply.error));
        return;
      }
      const value = CONTENT_PROTOCOL.evaluate.response.safeParse(reply.value);
      if (value.success) waiter.resolve(value.data);
      else waiter.reject(new Error('No valid answer to "evaluate"'));
    });
    p.onDisconnect.addListener(() => {
      // The service worker stopped (or the extension was reloaded): in-flight questions are lost.
      if (port === p) port = undefined;
      for (const w of pending.values()) w.reject(new Disconnected('The PMP Check background stopped'));
      pending.clear();
    });
    return p;
  }

  function once(data: RequestOf<'evaluate'>): Promise<ResponseOf<'evaluate'>> {
    return new Promise((resolve, reject) => {
      const id = ++seq;
      pending.set(id, { resolve, reject });
      try {
        port ??= open();
        port.postMessage({ id, data });
      } catch (e) {
        pending.delete(id);
        port = undefined;
        reject(new Disconnected(e instanceof Error ? e.message : 'Could not reach the PMP Check background'));
      }
    });
  }

  return {
    async evaluate(req) {
      const data = CONTENT_PROTOCOL.evaluate.request.parse(req);
      try {
        return await once(data);
      } catch (e) {
        // One retry on a fresh port: a stopped service worker starts again when connected to.
        if (e instanceof Disconnected) return once(data);
        throw e;
      }
    },
    close() {
      port?.disconnect();
      port = undefined;
    },
  };
}
