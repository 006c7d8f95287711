import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { fakeDecision } from '../ehr/test-helpers';
import { listen, send } from './content-client';
import { CONTENT_PROTOCOL } from './content-protocol';
import type { Sender } from './endpoint';
import { PROTOCOL } from './protocol';

const patient = { name: 'Morgan Testwell', given: 'Morgan', family: 'Testwell', birthDate: '1961-04-09' };
const order = { drugText: 'oxycodone 5 mg tablet', quantity: 40 };
const BACKGROUND: Sender = { id: 'test-extension-id', url: 'chrome-extension://test-extension-id/background.js' };

/** The background's side of runtime.sendMessage: every message is answered with `reply(message)`. */
function background(reply: (message: { type: string; data: unknown }) => unknown): unknown[] {
  const seen: unknown[] = [];
  fakeBrowser.runtime.onMessage.addListener(((message: { type: string; data: unknown }, _s: unknown, sendResponse: (r: unknown) => void) => {
    seen.push(message);
    sendResponse(reply(message));
    return true;
  }) as never);
  return seen;
}

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

describe('the content script\'s messages', () => {
  it('are the very schemas of the full protocol, under the same names', () => {
    for (const [type, spec] of Object.entries(CONTENT_PROTOCOL)) expect(PROTOCOL[type as keyof typeof PROTOCOL], type).toBe(spec);
  });
});

describe('send (content script)', () => {
  it('sends the checked request and returns the parsed answer', async () => {
    const seen = background(() => ({ ok: true, value: { decision: fakeDecision(order) } }));
    const r = await send('evaluate', { patient, order });
    expect(r.decision.status).toBe('due');
    expect(seen).toEqual([{ type: 'evaluate', data: { patient, order } }]);
  });

  it('refuses a request that breaks its schema before it leaves', async () => {
    const seen = background(() => ({ ok: true, value: { opened: true } }));
    await expect(send('openPanel', { patient: { ...patient, birthDate: '04/09/1961' }, order, decision: fakeDecision(order) })).rejects.toThrow();
    await expect(send('dismissPrompt', { patient, order, decision: fakeDecision(order), outcome: 'declined', reason: '  x ' })).rejects.toThrow();
    expect(seen).toEqual([]);
  });

  it.each([
    ['an error reply, with its message', { ok: false, error: 'Refused: not from this extension' }, 'Refused: not from this extension'],
    ['no reply', undefined, 'No valid answer to "startMapper"'],
    ['a reply that is not an envelope', { started: true }, 'No valid answer to "startMapper"'],
  ])('rejects %s', async (_what, reply, message) => {
    background(() => reply);
    await expect(send('startMapper', {})).rejects.toThrow(message);
  });

  it('rejects an answer that breaks the response schema', async () => {
    background(() => ({ ok: true, value: { decision: { ...fakeDecision(order), status: 'maybe' } } }));
    await expect(send('evaluate', { patient, order })).rejects.toThrow();
  });

  it('only offers the content script\'s messages (a type error otherwise)', async () => {
    background(() => ({ ok: true, value: { context: null } }));
    // @ts-expect-error getContext is the side panel's message, not the content script's
    await expect(send('getContext', { tabId: 1 })).rejects.toThrow();
  });
});

describe('listen (content script)', () => {
  it('answers a valid message from the background with the checked response', async () => {
    const handler = vi.fn(() => ({ ok: true as const }));
    listen({ reviewChanged: handler });
    expect(await deliver({ type: 'reviewChanged', data: { patientKey: 'k' } }, BACKGROUND)).toEqual({ ok: true, value: { ok: true } });
    expect(handler).toHaveBeenCalledWith({ patientKey: 'k' }, BACKGROUND);
  });

  it('refuses another extension without calling the handler', async () => {
    const handler = vi.fn(() => ({ ok: true as const }));
    listen({ reviewChanged: handler });
    expect(await deliver({ type: 'reviewChanged', data: { patientKey: 'k' } }, { id: 'other-ext', url: 'chrome-extension://other-ext/x' })).toEqual({
      ok: false,
      error: 'Refused: not from this extension',
    });
    expect(handler).not.toHaveBeenCalled();
  });

  it('refuses a request that breaks its schema, naming the message', async () => {
    const handler = vi.fn(() => ({ ok: true as const }));
    listen({ reviewChanged: handler });
    const r = (await deliver({ type: 'reviewChanged', data: { patientKey: 7 } }, BACKGROUND)) as { ok: boolean; error: string };
    expect(r).toMatchObject({ ok: false, error: expect.stringContaining('Invalid "reviewChanged" request') as unknown });
    expect(handler).not.toHaveBeenCalled();
  });

  it('refuses its own handler\'s answer when it breaks the response schema', async () => {
    listen({ reviewChanged: () => ({ ok: false }) as never });
    expect(await deliver({ type: 'reviewChanged', data: { patientKey: 'k' } }, BACKGROUND)).toMatchObject({ ok: false });
  });

  it.each([
    ['a message of the full protocol only', { type: 'getContext', data: { tabId: 1 } }],
    ['a message without handler here', { type: 'evaluate', data: { patient, order } }],
    ['an unknown type', { type: 'toString', data: {} }],
    ['not an envelope', 'reviewChanged'],
    ['null', null],
  ])('leaves %s unanswered', async (_what, message) => {
    listen({ reviewChanged: () => ({ ok: true }) });
    expect(await deliver(message, BACKGROUND)).toBeUndefined();
  });
});
