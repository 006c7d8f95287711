import { z } from 'zod';

/**
 * Network failures fetch() hides behind one TypeError, named from the error string the browser's
 * webRequest API reports for the same request: Chrome's `net::ERR_*` codes, and Firefox's XPCOM
 * names (`NS_ERROR_*`) or, for certificate and TLS failures, NSS's English message for the code
 * (Firefox's ChannelWrapper reports the message, not the `SEC_ERROR_*` name; both are mapped).
 */
export const NetProblem = z.enum([
  'dns',
  'connection-refused',
  'timeout',
  'no-route',
  'offline',
  'connection-reset',
  'proxy',
  'blocked',
  'tls-untrusted',
  'tls-wrong-name',
  'tls-expired',
  'tls-revoked',
  'tls-invalid',
  'tls-handshake',
  'tls-client-certificate',
]);
export type NetProblem = z.infer<typeof NetProblem>;

export interface NetFailure {
  problem: NetProblem;
  /** The browser's own code or message, for the administrator to quote to IT. */
  code: string;
  title: string;
  detail: string;
}

const CHROME: Record<string, NetProblem> = {
  ERR_NAME_NOT_RESOLVED: 'dns',
  ERR_NAME_RESOLUTION_FAILED: 'dns',
  ERR_CONNECTION_REFUSED: 'connection-refused',
  ERR_CONNECTION_TIMED_OUT: 'timeout',
  ERR_TIMED_OUT: 'timeout',
  ERR_ADDRESS_UNREACHABLE: 'no-route',
  ERR_NETWORK_ACCESS_DENIED: 'no-route',
  ERR_INTERNET_DISCONNECTED: 'offline',
  ERR_NETWORK_CHANGED: 'offline',
  ERR_CONNECTION_RESET: 'connection-reset',
  ERR_CONNECTION_CLOSED: 'connection-reset',
  ERR_CONNECTION_ABORTED: 'connection-reset',
  ERR_EMPTY_RESPONSE: 'connection-reset',
  ERR_PROXY_CONNECTION_FAILED: 'proxy',
  ERR_TUNNEL_CONNECTION_FAILED: 'proxy',
  ERR_PROXY_CERTIFICATE_INVALID: 'proxy',
  ERR_BLOCKED_BY_CLIENT: 'blocked',
  ERR_BLOCKED_BY_ADMINISTRATOR: 'blocked',
  ERR_CERT_AUTHORITY_INVALID: 'tls-untrusted',
  ERR_CERT_KNOWN_INTERCEPTION_BLOCKED: 'tls-untrusted',
  ERR_CERT_COMMON_NAME_INVALID: 'tls-wrong-name',
  ERR_CERT_DATE_INVALID: 'tls-expired',
  ERR_CERT_REVOKED: 'tls-revoked',
  ERR_SSL_PROTOCOL_ERROR: 'tls-handshake',
  ERR_SSL_VERSION_OR_CIPHER_MISMATCH: 'tls-handshake',
  ERR_SSL_OBSOLETE_VERSION_OR_CIPHER: 'tls-handshake',
  ERR_WRONG_VERSION_ON_EARLY_DATA: 'tls-handshake',
  ERR_SSL_CLIENT_AUTH_CERT_NEEDED: 'tls-client-certificate',
  ERR_BAD_SSL_CLIENT_AUTH_CERT: 'tls-client-certificate',
};

const FIREFOX: Record<string, NetProblem> = {
  NS_ERROR_UNKNOWN_HOST: 'dns',
  NS_ERROR_CONNECTION_REFUSED: 'connection-refused',
  NS_ERROR_NET_TIMEOUT: 'timeout',
  NS_ERROR_OFFLINE: 'offline',
  NS_ERROR_NET_RESET: 'connection-reset',
  NS_ERROR_NET_INTERRUPT: 'connection-reset',
  NS_ERROR_NET_EMPTY_RESPONSE: 'connection-reset',
  NS_ERROR_PROXY_CONNECTION_REFUSED: 'proxy',
  NS_ERROR_UNKNOWN_PROXY_HOST: 'proxy',
  NS_ERROR_PROXY_BAD_GATEWAY: 'proxy',
  NS_ERROR_BLOCKED_BY_POLICY: 'blocked',
  SEC_ERROR_UNKNOWN_ISSUER: 'tls-untrusted',
  SEC_ERROR_UNTRUSTED_ISSUER: 'tls-untrusted',
  SEC_ERROR_UNTRUSTED_CERT: 'tls-untrusted',
  SEC_ERROR_CA_CERT_INVALID: 'tls-untrusted',
  MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT: 'tls-untrusted',
  MOZILLA_PKIX_ERROR_MITM_DETECTED: 'tls-untrusted',
  MOZILLA_PKIX_ERROR_CA_CERT_USED_AS_END_ENTITY: 'tls-untrusted',
  SSL_ERROR_BAD_CERT_DOMAIN: 'tls-wrong-name',
  SEC_ERROR_EXPIRED_CERTIFICATE: 'tls-expired',
  SEC_ERROR_EXPIRED_ISSUER_CERTIFICATE: 'tls-expired',
  MOZILLA_PKIX_ERROR_NOT_YET_VALID_CERTIFICATE: 'tls-expired',
  MOZILLA_PKIX_ERROR_NOT_YET_VALID_ISSUER_CERTIFICATE: 'tls-expired',
  SEC_ERROR_REVOKED_CERTIFICATE: 'tls-revoked',
  SSL_ERROR_NO_CYPHER_OVERLAP: 'tls-handshake',
  SSL_ERROR_PROTOCOL_VERSION_ALERT: 'tls-handshake',
  SSL_ERROR_UNSUPPORTED_VERSION: 'tls-handshake',
  SSL_ERROR_RX_RECORD_TOO_LONG: 'tls-handshake',
  SSL_ERROR_HANDSHAKE_FAILURE_ALERT: 'tls-handshake',
  SSL_ERROR_HANDSHAKE_UNEXPECTED_ALERT: 'tls-handshake',
  SSL_ERROR_BAD_CERT_ALERT: 'tls-client-certificate',
};

/** Firefox's NSS messages (English builds) for the certificate failures that need their own words. */
const FIREFOX_MESSAGES: readonly (readonly [RegExp, NetProblem])[] = [
  [/issuer is not recognized|self-signed|issuer.*not trusted|not trusted because/i, 'tls-untrusted'],
  [/domain name does not match|not valid for/i, 'tls-wrong-name'],
  [/has expired|not yet valid|will not be valid until/i, 'tls-expired'],
  [/has been revoked/i, 'tls-revoked'],
  [/no common encryption algorithm|cipher|protocol version|record (that )?exceeded/i, 'tls-handshake'],
  [/certificate/i, 'tls-invalid'],
];

/** The problem behind a webRequest error string, or undefined when it says nothing useful (aborted, generic failure). */
export function netProblemOf(error: string): NetProblem | undefined {
  const code = error.trim();
  const chrome = /^net::(ERR_[A-Z0-9_]+)$/.exec(code)?.[1];
  if (chrome) {
    const known = CHROME[chrome];
    if (known) return known;
    if (chrome.startsWith('ERR_CERT_')) return 'tls-invalid';
    if (chrome.startsWith('ERR_SSL_')) return 'tls-handshake';
    return undefined;
  }
  if (/^[A-Z][A-Z0-9_]+$/.test(code)) {
    const known = FIREFOX[code];
    if (known) return known;
    if (/^(SEC_ERROR_|MOZILLA_PKIX_ERROR_)/.test(code)) return 'tls-invalid';
    if (code.startsWith('SSL_ERROR_')) return 'tls-handshake';
    return undefined;
  }
  return FIREFOX_MESSAGES.find(([pattern]) => pattern.test(code))?.[1];
}

function place(url: string): { hostname: string; hostPort: string } {
  try {
    const u = new URL(url);
    const port = u.port || (u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '');
    return { hostname: u.hostname, hostPort: port ? `${u.hostname}:${port}` : u.hostname };
  } catch {
    return { hostname: url, hostPort: url };
  }
}

const OPEN_IN_TAB = 'Open the base URL in a browser tab to see the certificate.';

/** Plain words for a failed request: what went wrong at which address, and what to do about it. */
export function describeNetError(error: string, url: string): NetFailure | undefined {
  const problem = netProblemOf(error);
  if (!problem) return undefined;
  const { hostname, hostPort } = place(url);
  const words: Record<NetProblem, { title: string; detail: string }> = {
    dns: {
      title: `The name ${hostname} does not resolve (DNS)`,
      detail: 'Check the address for a typo. If it is right, this network cannot look the name up: ask IT whether the PMP needs a VPN or an internal DNS server.',
    },
    'connection-refused': {
      title: `Nothing accepts connections at ${hostPort}`,
      detail: 'The address answered, but no server listens on that port (or a firewall turns the connection away). Check the port in the base URL with the PMP, or whether their server is down.',
    },
    timeout: {
      title: `${hostPort} did not answer the connection (timed out)`,
      detail: 'A firewall may be dropping the traffic, or the server is down. Ask IT whether this computer may reach that address.',
    },
    'no-route': {
      title: `There is no network route to ${hostPort}`,
      detail: 'This network cannot reach that address: ask IT (a VPN may be needed).',
    },
    offline: {
      title: 'This computer is offline',
      detail: 'Connect to the network and test again.',
    },
    'connection-reset': {
      title: `The connection to ${hostPort} was cut off`,
      detail: 'The server or something in between (a firewall or proxy) closed it without an answer. Check that the base URL uses the scheme the server speaks (https or http).',
    },
    proxy: {
      title: 'The proxy server failed',
      detail: "The browser's proxy could not connect to the PMP: ask IT to check the proxy settings.",
    },
    blocked: {
      title: 'The browser blocked the request',
      detail: 'Another extension (such as an ad blocker) or a browser policy stopped it: allow this address there.',
    },
    'tls-untrusted': {
      title: "The server's TLS certificate is not trusted (issued by an unknown authority)",
      detail: `It is self-signed or signed by an authority this browser does not trust. Ask IT to install your organisation's certificate authority, or ask the PMP for the right address. ${OPEN_IN_TAB}`,
    },
    'tls-wrong-name': {
      title: `The server's TLS certificate is for another name, not ${hostname}`,
      detail: `Check the base URL: the server at this address holds a certificate issued for a different host. ${OPEN_IN_TAB}`,
    },
    'tls-expired': {
      title: "The server's TLS certificate has expired (or is not valid yet)",
      detail: "Check this computer's date and time. If they are right, the PMP must renew its certificate.",
    },
    'tls-revoked': {
      title: "The server's TLS certificate has been revoked",
      detail: 'Its issuer withdrew it. Tell the PMP; do not connect until they replace it.',
    },
    'tls-invalid': {
      title: "The server's TLS certificate is not accepted",
      detail: `The browser refused it (${error.trim()}). ${OPEN_IN_TAB}`,
    },
    'tls-handshake': {
      title: `The secure (TLS) connection to ${hostPort} could not be set up`,
      detail: 'The server may not speak https on this port (is it http?), or it offers only old TLS versions or ciphers. Check the base URL with the PMP.',
    },
    'tls-client-certificate': {
      title: `${hostPort} asks for a client certificate`,
      detail: 'This PMP wants a TLS client certificate installed in the browser; ask the PMP and your IT how to get one.',
    },
  };
  return { problem, code: error.trim(), ...words[problem] };
}

export interface WebRequestErrorDetails {
  url: string;
  error: string;
}

type ErrorListener = (details: WebRequestErrorDetails) => void;

/** The part of `browser.webRequest` used here (a small fake in the tests). */
export interface WebRequestEvents {
  onErrorOccurred: {
    addListener(callback: ErrorListener, filter: { urls: string[] }): void;
    removeListener(callback: ErrorListener): void;
  };
}

/** One request being watched: what the browser said about it, if anything. */
export interface NetErrorWatch {
  /** The browser's error string, waiting up to graceMs for it (the event may come after fetch rejects). */
  error(graceMs?: number): Promise<string | undefined>;
  /** Removes the listener; idempotent. */
  stop(): void;
}

/** Starts a watch for a URL; called just before the request, stopped right after it settles. */
export type NetErrorObserver = (url: string) => NetErrorWatch;

/** Match pattern for a URL's host, any port (Firefox's patterns cannot name a port). */
export function hostPattern(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.hostname}/*`;
}

/** Listens to webRequest.onErrorOccurred for exactly this URL until stopped. */
export function watchNetErrors(webRequest: WebRequestEvents, url: string): NetErrorWatch {
  const target = new URL(url).href;
  let seen: string | undefined;
  let wake: (() => void) | undefined;
  let stopped = false;
  const listener: ErrorListener = (details) => {
    if (seen !== undefined || details.url !== target) return;
    seen = details.error;
    wake?.();
  };
  webRequest.onErrorOccurred.addListener(listener, { urls: [hostPattern(url)] });
  const stop = () => {
    if (stopped) return;
    stopped = true;
    webRequest.onErrorOccurred.removeListener(listener);
    wake?.();
  };
  return {
    stop,
    error: async (graceMs = 1000) => {
      if (seen === undefined && !stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, graceMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
      return seen;
    },
  };
}
