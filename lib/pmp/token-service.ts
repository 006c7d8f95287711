/**
 * Access tokens for a SMART Backend Services PMP, served by the background: the service worker
 * holds the token cache in memory, so side panels opened one after another share one token
 * instead of each signing in again. Only the extension's own pages may ask (never a content script).
 */
import { browser } from 'wxt/browser';
import { send, type Sender } from '../messaging/client';
import type { AccessTokenReply } from '../messaging/protocol';
import type { Handlers } from '../messaging/server';
import type { PmpConnection } from '../storage/settings';
import { PmpError, normalizeError } from './errors';
import { AccessTokenCache, type SmartClientConfig } from './smart';

/** The SMART client settings of a connection, or null when it does not use SMART Backend Services. */
export function smartClientOf(connection: PmpConnection): SmartClientConfig | null {
  if (connection.kind !== 'fhir' || connection.auth.mode !== 'smart-backend') return null;
  const { clientId, scope, tokenUrl, privateKey } = connection.auth;
  return { baseUrl: connection.baseUrl.replace(/\/+$/, ''), clientId, scope, privateKey, timeoutMs: connection.timeoutMs, ...(tokenUrl ? { tokenUrl } : {}) };
}

function isExtensionPage(sender: Sender): boolean {
  return sender.url?.startsWith(browser.runtime.getURL('/')) ?? false;
}

/** The background's `pmpAccessToken` handler, over the saved settings (a page cannot name another PMP). */
export function createTokenHandlers(deps: { loadConnection: () => Promise<PmpConnection>; cache?: AccessTokenCache; fetchImpl?: typeof fetch }): Handlers {
  const cache = deps.cache ?? new AccessTokenCache();
  return {
    pmpAccessToken: async ({ rejectedToken }, sender): Promise<AccessTokenReply> => {
      if (!isExtensionPage(sender)) throw new Error('Refused: access tokens are only given to the extension’s own pages');
      const config = smartClientOf(await deps.loadConnection());
      if (!config) return { ok: false, kind: 'unauthorized', retryable: false, detail: 'The PMP connection does not use SMART Backend Services' };
      try {
        const t = await cache.get(config, { ...(rejectedToken ? { rejected: rejectedToken } : {}), ...(deps.fetchImpl ? { fetchImpl: deps.fetchImpl } : {}) });
        return { ok: true, accessToken: t.accessToken, expiresAt: t.expiresAt };
      } catch (e) {
        const err = normalizeError(e);
        return { ok: false, kind: err.kind, retryable: err.retryable, ...(err.auth ? { auth: err.auth } : {}), ...(err.detail ? { detail: err.detail } : {}) };
      }
    },
  };
}

/** Turns the background's answer back into a token or the PmpError it stood for. */
export function tokenFromReply(reply: AccessTokenReply): string {
  if (reply.ok) return reply.accessToken;
  throw new PmpError(reply.kind, { retryable: reply.retryable, ...(reply.auth ? { auth: reply.auth } : {}), ...(reply.detail ? { detail: reply.detail } : {}) });
}

/** Asks the background for an access token (a side panel's AccessTokenSource). */
export async function accessTokenFromBackground(rejected?: string): Promise<string> {
  return tokenFromReply(await send('pmpAccessToken', rejected ? { rejectedToken: rejected } : {}));
}
