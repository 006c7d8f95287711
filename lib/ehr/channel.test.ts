import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Browser } from 'wxt/browser';
import { serveEvaluatePort } from './background';
import { EVALUATE_PORT, evaluateChannel, sameJson } from './channel';
import { fakeDecision, fakePort, type FakePort } from './test-helpers';

const req = { patient: { name: 'Morgan Testwell', given: 'Morgan', family: 'Testwell', birthDate: '1961-04-09' }, order: { drugText: 'oxycodone 5 mg tablet', quantity: 40 } };
const asPort = (p: FakePort) => p as unknown as Browser.runtime.Port;

describe('"evaluate" over a long-lived port (content side)', () => {
  it('opens one port on first use, reuses it, and matches answers to questions', async () => {
    const ports: FakePort[] = [];
    const ch = evaluateChannel(() => {
      const p = fakePort((data) => ({ ok: true, value: { decision: fakeDecision((data as typeof req).order) } }));
      ports.push(p);
      return asPort(p);
    });
    const [a, b] = await Promise.all([ch.evaluate(req), ch.evaluate({ ...req, order: { ...req.order, quantity: 12 } })]);
    expect(a.decision.status).toBe('due');
    expect(b.decision.status).toBe('not-required');
    expect(ports).toHaveLength(1);
  });

  it('rejects with the background\'s error, and refuses an answer that does not parse', async () => {
    const errors = evaluateChannel(() => asPort(fakePort(() => ({ ok: false, error: 'Message without a page' }))));
    await expect(errors.evaluate(req)).rejects.toThrow('Message without a page');
    const garbage = evaluateChannel(() => asPort(fakePort(() => ({ ok: true, value: { decision: { status: 'maybe' } } }))));
    await expect(garbage.evaluate(req)).rejects.toThrow('No valid answer to "evaluate"');
  });

  it('leaves checking the question to the background, whose refusal reaches the caller', async () => {
    // The real background end (serveEvaluatePort) on the other side of a linked pair of ports,
    // each message copied through JSON as the browser does.
    type Listener = (m: unknown) => void;
    const linked = (sender?: object) => {
      const listeners: Listener[] = [];
      return { name: EVALUATE_PORT, sender, listeners, onMessage: { addListener: (l: Listener) => listeners.push(l) }, onDisconnect: { addListener: vi.fn() }, disconnect: vi.fn(), postMessage: vi.fn() };
    };
    let onConnect: ((p: Browser.runtime.Port) => void) | undefined;
    (fakeBrowser.runtime as unknown as { onConnect: unknown }).onConnect = { addListener: (l: typeof onConnect) => { onConnect = l; }, removeListener: vi.fn() };
    const handler = vi.fn(() => Promise.resolve({ decision: fakeDecision(req.order) }));
    const stop = serveEvaluatePort(handler);
    const ch = evaluateChannel(() => {
      const content = linked();
      const background = linked({ id: fakeBrowser.runtime.id, url: 'http://127.0.0.1:47811/x', tab: { id: 3 } });
      const deliver = (to: Listener[]) => (m: unknown) => {
        const copy: unknown = JSON.parse(JSON.stringify(m));
        setTimeout(() => { for (const l of to) l(copy); }, 0);
      };
      content.postMessage.mockImplementation(deliver(background.listeners));
      background.postMessage.mockImplementation(deliver(content.listeners));
      onConnect?.(background as unknown as Browser.runtime.Port);
      return content as unknown as Browser.runtime.Port;
    });
    await expect(ch.evaluate({ ...req, patient: { ...req.patient, birthDate: '04/09/1961' } })).rejects.toThrow('Invalid "evaluate" request');
    expect(handler).not.toHaveBeenCalled();
    await expect(ch.evaluate(req)).resolves.toMatchObject({ decision: { status: 'due' } });
    expect(handler).toHaveBeenCalledTimes(1);
    stop();
  });

  it('gives an answer equal to the last one as that same value, and still parses every other answer', async () => {
    const answers: unknown[] = [
      { ok: true, value: { decision: fakeDecision(req.order) } },
      { ok: true, value: { decision: fakeDecision(req.order) } },
      { ok: true, value: { decision: fakeDecision({ ...req.order, quantity: 12 }) } },
      { ok: true, value: { decision: { ...fakeDecision(req.order), status: 'maybe' } } },
      { ok: true, value: { decision: fakeDecision({ ...req.order, quantity: 12 }), viewer: { role: 'prescriber', name: 'Dr. Avery Quill' } } },
    ];
    const ch = evaluateChannel(() => asPort(fakePort(() => answers.shift())));
    const first = await ch.evaluate(req);
    const again = await ch.evaluate(req);
    expect(again).toBe(first);
    const other = await ch.evaluate(req);
    expect(other).not.toBe(first);
    expect(other.decision.status).toBe('not-required');
    await expect(ch.evaluate(req)).rejects.toThrow('No valid answer to "evaluate"');
    const withViewer = await ch.evaluate(req);
    expect(withViewer).not.toBe(other);
    expect(withViewer.viewer).toEqual({ role: 'prescriber', name: 'Dr. Avery Quill' });
  });

  it('asks again once on a fresh port when the background stops mid-question', async () => {
    const ports: FakePort[] = [];
    const ch = evaluateChannel(() => {
      const first = ports.length === 0;
      const p = fakePort((data) => ({ ok: true, value: { decision: fakeDecision((data as typeof req).order) } }));
      if (first) p.postMessage = () => { setTimeout(() => { p.dropFromOtherEnd(); }, 0); };
      ports.push(p);
      return asPort(p);
    });
    await expect(ch.evaluate(req)).resolves.toMatchObject({ decision: { status: 'due' } });
    expect(ports).toHaveLength(2);
  });

  it('gives up after the retry fails too', async () => {
    const ch = evaluateChannel(() => {
      const p = fakePort(() => null);
      p.postMessage = () => { setTimeout(() => { p.dropFromOtherEnd(); }, 0); };
      return asPort(p);
    });
    await expect(ch.evaluate(req)).rejects.toThrow('The PMP Check background stopped');
  });
});

describe('"evaluate" over a long-lived port (background side)', () => {
  type Listener = (p: Browser.runtime.Port) => void;
  function connectFrom(name: string, sender: object | undefined, evaluate = vi.fn(() => Promise.resolve({ decision: fakeDecision(req.order) }))) {
    let onConnect: Listener | undefined;
    const rt = fakeBrowser.runtime as unknown as { onConnect: { addListener: (l: Listener) => void; removeListener: (l: Listener) => void } };
    rt.onConnect = { addListener: (l) => { onConnect = l; }, removeListener: vi.fn() };
    const stop = serveEvaluatePort(evaluate);
    const sent: unknown[] = [];
    const listeners: ((m: unknown) => void)[] = [];
    const port = {
      name,
      sender,
      postMessage: (m: unknown) => sent.push(m),
      disconnect: vi.fn(),
      onMessage: { addListener: (l: (m: unknown) => void) => listeners.push(l) },
    };
    onConnect?.(port as unknown as Browser.runtime.Port);
    return { port, sent, ask: (m: unknown) => { for (const l of listeners) l(m); }, evaluate, stop };
  }
  const tab = { id: fakeBrowser.runtime.id, url: 'http://127.0.0.1:47811/x', tab: { id: 3 } };

  it('answers each question with the evaluate handler, by id', async () => {
    const c = connectFrom(EVALUATE_PORT, tab);
    c.ask({ id: 7, data: req });
    await vi.waitFor(() => {
      expect(c.sent).toEqual([{ id: 7, reply: { ok: true, value: { decision: expect.objectContaining({ status: 'due' }) as unknown } } }]);
    });
    expect(c.evaluate).toHaveBeenCalledWith(req, tab);
    c.stop();
  });

  it.each([
    ['a malformed question', { id: 1, data: { patient: {} } }, 'Invalid "evaluate" request'],
    ['a failing handler', { id: 2, data: req }, 'PMP Check settings are unreadable'],
  ])('answers %s with an error, not silence', async (_what, msg, error) => {
    const c = connectFrom(EVALUATE_PORT, tab, vi.fn(() => Promise.reject(new Error('PMP Check settings are unreadable'))));
    c.ask(msg);
    await vi.waitFor(() => {
      expect(c.sent).toEqual([{ id: msg.id, reply: { ok: false, error: expect.stringContaining(error) as unknown } }]);
    });
  });

  it('ignores other ports and junk, and shuts out senders that are not ours', () => {
    const other = connectFrom('something-else', tab);
    other.ask({ id: 1, data: req });
    expect(other.sent).toEqual([]);
    const junk = connectFrom(EVALUATE_PORT, tab);
    junk.ask('hello');
    expect(junk.sent).toEqual([]);
    const foreign = connectFrom(EVALUATE_PORT, { id: 'another-extension', url: 'https://evil.example/' });
    expect(foreign.port.disconnect).toHaveBeenCalled();
  });
});

describe('sameJson', () => {
  it.each([
    [1, 1, true],
    ['a', 'a', true],
    [null, null, true],
    [{ a: [1, { b: 'x' }], c: null }, { c: null, a: [1, { b: 'x' }] }, true],
    [[], [], true],
    [1, '1', false],
    [null, {}, false],
    [{}, null, false],
    [[1, 2], [1, 2, 3], false],
    [[1, 2], { 0: 1, 1: 2 }, false],
    [{ 0: 1, 1: 2 }, [1, 2], false],
    [{ a: 1 }, { a: 1, b: 2 }, false],
    [{ a: 1, b: 2 }, { a: 1, c: 2 }, false],
    [{ a: { b: [1] } }, { a: { b: [2] } }, false],
    [{ a: undefined }, { b: undefined }, false],
  ])('%j and %j: %s', (a, b, same) => {
    expect(sameJson(a, b)).toBe(same);
  });
});
