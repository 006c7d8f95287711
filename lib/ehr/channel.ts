import { browser, type Browser } from 'wxt/browser';
import { z } from 'zod/mini'; // the content script loads this module: no classic zod (lib/messaging/content-bundle.test.ts)
import { CONTENT_PROTOCOL, Reply } from '../messaging/content-protocol';
import type { RequestOf, ResponseOf } from '../messaging/protocol';

/**
 * "evaluate" over one long-lived port per frame. The prompt follows the typing, so this is the
 * content script's most frequent message; a port reuses one channel where runtime.sendMessage
 * opens a new one each time, which on a keystroke costs the page more than everything else the
 * content script does. Same schemas as every other message (lib/messaging/content-protocol.ts):
 * the background parses the question, this end parses the answer (an answer equal to the last
 * one that parsed is that same value).
 */
export const EVALUATE_PORT = 'pmp-check:evaluate';

export const PortRequest = z.object({ id: z.int().check(z.nonnegative()), data: z.unknown() });
export const PortReply = z.object({ id: z.int().check(z.nonnegative()), reply: Reply });

type Port = Browser.runtime.Port;

interface Waiter {
  resolve: (v: ResponseOf<'evaluate'>) => void;
  reject: (e: Error) => void;
}

/**
 * Whether two values that came through JSON are equal, member by member. Cheaper than parsing
 * the same answer again: typing in the sig mostly gets the answer it got a keystroke before.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k) || !sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
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
  // The last answer that parsed, as it came and as parsed: the same answer again is the same value.
  let lastRaw: unknown;
  let lastValue: ResponseOf<'evaluate'> | undefined;

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
      if (lastValue && sameJson(reply.value, lastRaw)) {
        waiter.resolve(lastValue);
        return;
      }
      const value = CONTENT_PROTOCOL.evaluate.response.safeParse(reply.value);
      if (!value.success) {
        waiter.reject(new Error('No valid answer to "evaluate"'));
        return;
      }
      lastRaw = reply.value;
      lastValue = value.data;
      waiter.resolve(value.data);
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
      // Not parsed here: the background parses every question (and refuses a bad one with its
      // reason, see background.ts), and this runs on every keystroke that changes the order.
      try {
        return await once(req);
      } catch (e) {
        // One retry on a fresh port: a stopped service worker starts again when connected to.
        if (e instanceof Disconnected) return once(req);
        throw e;
      }
    },
    close() {
      port?.disconnect();
      port = undefined;
    },
  };
}
