import { describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import type { Sender } from '../messaging/client';
import { LOCAL_DEMO_PMP, type PmpConnection } from '../storage/settings';
import { PmpError } from './errors';
import { AccessTokenCache, type IssuedToken } from './smart';
import { createTokenHandlers, smartClientOf, tokenFromReply } from './token-service';

const KEY = { kty: 'EC', crv: 'P-384', x: 'xx', y: 'yy', d: 'dd' } as const;
const SMART: PmpConnection = { ...LOCAL_DEMO_PMP, baseUrl: 'http://127.0.0.1:47810/', auth: { mode: 'smart-backend', clientId: 'c1', scope: 'system/*.rs', privateKey: KEY } };
const page = (): Sender => ({ id: browser.runtime.id, url: `${browser.runtime.getURL('/')}sidepanel.html` });
const contentScript = (): Sender => ({ id: browser.runtime.id, url: 'http://127.0.0.1:47811/patients/x', tab: { id: 3 } as Sender['tab'] });
const issued = (token: string): IssuedToken => ({ accessToken: token, expiresAt: Date.now() + 300_000, refreshAt: Date.now() + 240_000, tokenUrl: 'http://t' });

function handlerFor(connection: PmpConnection, request: () => Promise<IssuedToken>) {
  const h = createTokenHandlers({ loadConnection: () => Promise.resolve(connection), cache: new AccessTokenCache({ request }) }).pmpAccessToken;
  if (!h) throw new Error('no handler');
  return h;
}

describe('smartClientOf', () => {
  it('reads the SMART settings of a connection, and nothing from the others', () => {
    expect(smartClientOf(SMART)).toEqual({ baseUrl: 'http://127.0.0.1:47810', clientId: 'c1', scope: 'system/*.rs', privateKey: KEY, timeoutMs: 10_000 });
    expect(smartClientOf(LOCAL_DEMO_PMP)).toBeNull();
    expect(smartClientOf({ kind: 'bundled', label: 'x' })).toBeNull();
  });
});

describe('the pmpAccessToken handler', () => {
  it('gives the extension’s pages a cached token, and a new one for a refused token', async () => {
    let n = 0;
    const request = vi.fn(() => Promise.resolve(issued(`t${String(++n)}`)));
    const h = handlerFor(SMART, request);
    expect(await h({}, page())).toMatchObject({ ok: true, accessToken: 't1' });
    expect(await h({}, page())).toMatchObject({ ok: true, accessToken: 't1' });
    expect(await h({ rejectedToken: 't1' }, page())).toMatchObject({ ok: true, accessToken: 't2' });
    expect(request).toHaveBeenCalledTimes(2);
  });

  it('never gives a token to a content script', async () => {
    const request = vi.fn(() => Promise.resolve(issued('t1')));
    await expect(handlerFor(SMART, request)({}, contentScript())).rejects.toThrow(/only given to the extension/);
    expect(request).not.toHaveBeenCalled();
  });

  it('says so when the saved connection does not use SMART', async () => {
    expect(await handlerFor(LOCAL_DEMO_PMP, vi.fn())({}, page())).toMatchObject({ ok: false, kind: 'unauthorized', retryable: false });
  });

  it('passes a typed failure through, which the page turns back into the same PmpError', async () => {
    const request = vi.fn(() => Promise.reject(new PmpError('unauthorized', { auth: 'invalid-client', detail: 'HTTP 401: invalid_client' })));
    const reply = await handlerFor(SMART, request)({}, page());
    expect(reply).toEqual({ ok: false, kind: 'unauthorized', auth: 'invalid-client', retryable: false, detail: 'HTTP 401: invalid_client' });
    if (reply.ok) throw new Error('expected a failure');
    let thrown: unknown;
    try {
      tokenFromReply(reply);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(PmpError);
    expect(thrown).toMatchObject({ kind: 'unauthorized', auth: 'invalid-client', retryable: false });
  });

  it('tokenFromReply returns the token of a good reply', () => {
    expect(tokenFromReply({ ok: true, accessToken: 'abc', expiresAt: 1 })).toBe('abc');
  });
});
