import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Sender } from './client';
import { isOwnSender, listen } from './server';

const OWN_TAB: Sender = { id: 'test-extension-id', tab: { id: 7 } as Sender['tab'], url: 'http://127.0.0.1:47811/x' };
const OWN_PAGE: Sender = { id: 'test-extension-id', url: 'chrome-extension://test-extension-id/sidepanel.html' };

async function deliver(message: unknown, sender: Sender): Promise<unknown> {
  let reply: unknown;
  const done = new Promise<void>((resolve) => {
    void fakeBrowser.runtime.onMessage.trigger(message, sender, (r: unknown) => {
      reply = r;
      resolve();
    });
  });
  await Promise.race([done, new Promise((r) => setTimeout(r, 200))]);
  return reply;
}

describe('isOwnSender', () => {
  it.each([
    ['our content script', OWN_TAB, true],
    ['our extension page', OWN_PAGE, true],
    ['another extension', { ...OWN_TAB, id: 'evil' }, false],
    ['no id', { url: 'https://x' }, false],
    ['our id but a foreign page and no tab', { id: 'test-extension-id', url: 'https://evil.example/' }, false],
  ])('%s → %s', (_name, sender, expected) => {
    expect(isOwnSender(sender)).toBe(expected);
  });
});

describe('listen', () => {
  it('answers a valid request from our own context with the typed response', async () => {
    listen({ getContext: ({ tabId }) => ({ context: tabId === 3 ? null : null }) });
    expect(await deliver({ type: 'getContext', data: { tabId: 3 } }, OWN_PAGE)).toEqual({ ok: true, value: { context: null } });
  });

  it('refuses a message from another extension, without calling the handler', async () => {
    const handler = vi.fn(() => ({ context: null }));
    listen({ getContext: handler });
    expect(await deliver({ type: 'getContext', data: { tabId: 3 } }, { id: 'other-ext', url: 'chrome-extension://other-ext/x' })).toEqual({
      ok: false,
      error: 'Refused: not from this extension',
    });
    expect(handler).not.toHaveBeenCalled();
  });

  it('refuses a request that does not match its schema, naming the problem', async () => {
    listen({ getContext: () => ({ context: null }) });
    const r = (await deliver({ type: 'getContext', data: { tabId: 'seven' } }, OWN_PAGE)) as { ok: boolean; error: string };
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/Invalid "getContext" request/);
  });

  it('turns a handler failure into an error reply, not a crash or silence', async () => {
    listen({
      getContext: () => {
        throw new Error('boom');
      },
    });
    expect(await deliver({ type: 'getContext', data: { tabId: 1 } }, OWN_PAGE)).toEqual({ ok: false, error: 'boom' });
  });

  it('refuses a handler answer that breaks the response schema', async () => {
    listen({ getContext: () => ({ context: { nope: true } }) as never });
    const r = (await deliver({ type: 'getContext', data: { tabId: 1 } }, OWN_PAGE)) as { ok: boolean };
    expect(r.ok).toBe(false);
  });

  it('ignores messages that are not ours (unknown type or shape)', async () => {
    listen({ getContext: () => ({ context: null }) });
    expect(await deliver({ hello: 1 }, OWN_PAGE)).toBeUndefined();
    expect(await deliver({ type: 'attest', data: {} }, OWN_PAGE)).toBeUndefined();
    // Only the protocol's own message names: nothing inherited from Object.prototype.
    expect(await deliver({ type: 'toString', data: {} }, OWN_PAGE)).toBeUndefined();
    expect(await deliver(null, OWN_PAGE)).toBeUndefined();
  });

  it('runs the synchronous hook before anything is awaited (the user gesture for sidePanel.open)', async () => {
    const order: string[] = [];
    listen(
      {
        getContext: () => {
          order.push('handler');
          return { context: null };
        },
      },
      () => order.push('before'),
    );
    await deliver({ type: 'getContext', data: { tabId: 1 } }, OWN_PAGE);
    expect(order).toEqual(['before', 'handler']);
  });
});
