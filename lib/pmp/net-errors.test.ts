// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeNetError, hostPattern, netProblemOf, watchNetErrors, type NetProblem, type WebRequestErrorDetails, type WebRequestEvents } from './net-errors';

describe('netProblemOf: Chrome net::ERR_* codes', () => {
  it.each<[string, NetProblem | undefined]>([
    ['net::ERR_NAME_NOT_RESOLVED', 'dns'],
    ['net::ERR_NAME_RESOLUTION_FAILED', 'dns'],
    ['net::ERR_CONNECTION_REFUSED', 'connection-refused'],
    ['net::ERR_CONNECTION_TIMED_OUT', 'timeout'],
    ['net::ERR_TIMED_OUT', 'timeout'],
    ['net::ERR_ADDRESS_UNREACHABLE', 'no-route'],
    ['net::ERR_INTERNET_DISCONNECTED', 'offline'],
    ['net::ERR_CONNECTION_RESET', 'connection-reset'],
    ['net::ERR_CONNECTION_CLOSED', 'connection-reset'],
    ['net::ERR_EMPTY_RESPONSE', 'connection-reset'],
    ['net::ERR_PROXY_CONNECTION_FAILED', 'proxy'],
    ['net::ERR_BLOCKED_BY_CLIENT', 'blocked'],
    ['net::ERR_BLOCKED_BY_ADMINISTRATOR', 'blocked'],
    ['net::ERR_CERT_AUTHORITY_INVALID', 'tls-untrusted'],
    ['net::ERR_CERT_COMMON_NAME_INVALID', 'tls-wrong-name'],
    ['net::ERR_CERT_DATE_INVALID', 'tls-expired'],
    ['net::ERR_CERT_REVOKED', 'tls-revoked'],
    ['net::ERR_CERT_WEAK_SIGNATURE_ALGORITHM', 'tls-invalid'],
    ['net::ERR_CERT_INVALID', 'tls-invalid'],
    ['net::ERR_SSL_PROTOCOL_ERROR', 'tls-handshake'],
    ['net::ERR_SSL_VERSION_OR_CIPHER_MISMATCH', 'tls-handshake'],
    ['net::ERR_SSL_UNRECOGNIZED_NAME_ALERT', 'tls-handshake'],
    ['net::ERR_SSL_CLIENT_AUTH_CERT_NEEDED', 'tls-client-certificate'],
    // Our own timeout aborts the request; a generic failure says nothing more than fetch did.
    ['net::ERR_ABORTED', undefined],
    ['net::ERR_FAILED', undefined],
    ['net::ERR_SOMETHING_NEW', undefined],
  ])('%s → %s', (code, problem) => {
    expect(netProblemOf(code)).toBe(problem);
  });
});

describe('netProblemOf: Firefox names and NSS messages', () => {
  it.each<[string, NetProblem | undefined]>([
    ['NS_ERROR_UNKNOWN_HOST', 'dns'],
    ['NS_ERROR_CONNECTION_REFUSED', 'connection-refused'],
    ['NS_ERROR_NET_TIMEOUT', 'timeout'],
    ['NS_ERROR_OFFLINE', 'offline'],
    ['NS_ERROR_NET_RESET', 'connection-reset'],
    ['NS_ERROR_NET_INTERRUPT', 'connection-reset'],
    ['NS_ERROR_PROXY_CONNECTION_REFUSED', 'proxy'],
    ['NS_ERROR_UNKNOWN_PROXY_HOST', 'proxy'],
    ['SEC_ERROR_UNKNOWN_ISSUER', 'tls-untrusted'],
    ['MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT', 'tls-untrusted'],
    ['SSL_ERROR_BAD_CERT_DOMAIN', 'tls-wrong-name'],
    ['SEC_ERROR_EXPIRED_CERTIFICATE', 'tls-expired'],
    ['MOZILLA_PKIX_ERROR_NOT_YET_VALID_CERTIFICATE', 'tls-expired'],
    ['SEC_ERROR_REVOKED_CERTIFICATE', 'tls-revoked'],
    ['SEC_ERROR_BAD_SIGNATURE', 'tls-invalid'],
    ['SSL_ERROR_NO_CYPHER_OVERLAP', 'tls-handshake'],
    ['SSL_ERROR_RX_RECORD_TOO_LONG', 'tls-handshake'],
    ['SSL_ERROR_SOMETHING_NEW', 'tls-handshake'],
    // What Firefox's webRequest actually reports for certificate failures: NSS's message.
    ['Peer’s Certificate issuer is not recognized.', 'tls-untrusted'],
    ['The certificate is not trusted because it is self-signed.', 'tls-untrusted'],
    ['Unable to communicate securely with peer: requested domain name does not match the server’s certificate.', 'tls-wrong-name'],
    ['Peer’s Certificate has expired.', 'tls-expired'],
    ['Peer’s Certificate has been revoked.', 'tls-revoked'],
    ['Cannot communicate securely with peer: no common encryption algorithm(s).', 'tls-handshake'],
    ['Peer’s certificate has an invalid signature.', 'tls-invalid'],
    ['NS_BINDING_ABORTED', undefined],
    ['NS_ERROR_FAILURE', undefined],
    ['NS_ERROR_ABORT', undefined],
    ['Something else entirely', undefined],
    ['', undefined],
  ])('%s → %s', (code, problem) => {
    expect(netProblemOf(code)).toBe(problem);
  });
});

describe('describeNetError: plain words naming the place', () => {
  it.each<[string, string, RegExp, RegExp]>([
    ['net::ERR_NAME_NOT_RESOLVED', 'https://ehr.example.org/fhir/metadata', /^The name ehr\.example\.org does not resolve \(DNS\)$/, /typo.*VPN/],
    ['NS_ERROR_UNKNOWN_HOST', 'https://pmp.invalid/metadata', /^The name pmp\.invalid does not resolve \(DNS\)$/, /DNS server/],
    ['net::ERR_CONNECTION_REFUSED', 'https://pmp.example.org:8443/fhir/metadata', /^Nothing accepts connections at pmp\.example\.org:8443$/, /port/],
    ['net::ERR_CONNECTION_REFUSED', 'https://pmp.example.org/metadata', /^Nothing accepts connections at pmp\.example\.org:443$/, /port/],
    ['NS_ERROR_CONNECTION_REFUSED', 'http://127.0.0.1/metadata', /^Nothing accepts connections at 127\.0\.0\.1:80$/, /port/],
    ['net::ERR_CERT_AUTHORITY_INVALID', 'https://127.0.0.1:9443/metadata', /^The server's TLS certificate is not trusted \(issued by an unknown authority\)$/, /self-signed.*certificate authority/],
    ['net::ERR_CERT_COMMON_NAME_INVALID', 'https://pmp.example.org/metadata', /^The server's TLS certificate is for another name, not pmp\.example\.org$/, /different host/],
    ['net::ERR_CERT_DATE_INVALID', 'https://pmp.example.org/metadata', /^The server's TLS certificate has expired/, /date and time/],
    ['net::ERR_CONNECTION_TIMED_OUT', 'https://pmp.example.org/metadata', /^pmp\.example\.org:443 did not answer the connection \(timed out\)$/, /firewall/],
    ['net::ERR_SSL_PROTOCOL_ERROR', 'https://pmp.example.org:8080/metadata', /^The secure \(TLS\) connection to pmp\.example\.org:8080 could not be set up$/, /http\?/],
    ['net::ERR_CERT_WEAK_KEY', 'https://pmp.example.org/metadata', /^The server's TLS certificate is not accepted$/, /\(net::ERR_CERT_WEAK_KEY\)/],
    ['net::ERR_INTERNET_DISCONNECTED', 'https://pmp.example.org/metadata', /^This computer is offline$/, /Connect/],
  ])('%s at %s', (code, url, title, detail) => {
    const d = describeNetError(code, url);
    expect(d?.title).toMatch(title);
    expect(d?.detail).toMatch(detail);
    expect(d?.code).toBe(code);
  });

  it('gives every problem its own title (no two causes read the same)', () => {
    const codes = ['net::ERR_NAME_NOT_RESOLVED', 'net::ERR_CONNECTION_REFUSED', 'net::ERR_CONNECTION_TIMED_OUT', 'net::ERR_ADDRESS_UNREACHABLE', 'net::ERR_INTERNET_DISCONNECTED', 'net::ERR_CONNECTION_RESET', 'net::ERR_PROXY_CONNECTION_FAILED', 'net::ERR_BLOCKED_BY_CLIENT', 'net::ERR_CERT_AUTHORITY_INVALID', 'net::ERR_CERT_COMMON_NAME_INVALID', 'net::ERR_CERT_DATE_INVALID', 'net::ERR_CERT_REVOKED', 'net::ERR_CERT_INVALID', 'net::ERR_SSL_PROTOCOL_ERROR', 'net::ERR_SSL_CLIENT_AUTH_CERT_NEEDED'];
    const titles = codes.map((c) => describeNetError(c, 'https://pmp.example.org/metadata')?.title);
    expect(titles.every((t) => typeof t === 'string')).toBe(true);
    expect(new Set(titles).size).toBe(codes.length);
  });

  it('says nothing for codes that add nothing to fetch()', () => {
    expect(describeNetError('net::ERR_ABORTED', 'https://pmp.example.org/metadata')).toBeUndefined();
    expect(describeNetError('net::ERR_FAILED', 'https://pmp.example.org/metadata')).toBeUndefined();
  });

  it('still words a failure for an address it cannot parse', () => {
    expect(describeNetError('net::ERR_NAME_NOT_RESOLVED', 'not a url')?.title).toBe('The name not a url does not resolve (DNS)');
  });
});

describe('hostPattern', () => {
  it.each([
    ['https://pmp.example.org:8443/fhir/metadata', 'https://pmp.example.org/*'],
    ['http://127.0.0.1:47810/metadata', 'http://127.0.0.1/*'],
    ['https://[::1]:9443/metadata', 'https://[::1]/*'],
  ])('%s → %s', (url, pattern) => {
    expect(hostPattern(url)).toBe(pattern);
  });
  it('throws on something that is not a URL (the caller falls back)', () => {
    expect(() => hostPattern('pmp.example.org')).toThrow();
  });
});

/** A typed stand-in for browser.webRequest's onErrorOccurred: keeps the listeners and their filters. */
function fakeWebRequest() {
  const listeners = new Map<(d: WebRequestErrorDetails) => void, string[]>();
  const api: WebRequestEvents = {
    onErrorOccurred: {
      addListener: (cb, filter) => {
        listeners.set(cb, filter.urls);
      },
      removeListener: (cb) => {
        listeners.delete(cb);
      },
    },
  };
  return {
    api,
    listeners,
    /** Fires the event the way the browser does: only to listeners whose filter matches the host. */
    fire(url: string, error: string) {
      for (const [cb, urls] of [...listeners]) if (urls.includes(hostPattern(url))) cb({ url, error });
    },
  };
}

describe('watchNetErrors with a fake webRequest', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('listens for the host only, takes the probe URL’s error, and removes its listener', async () => {
    const wr = fakeWebRequest();
    const watch = watchNetErrors(wr.api, 'https://pmp.example.org/fhir/metadata');
    expect([...wr.listeners.values()]).toEqual([['https://pmp.example.org/*']]);
    wr.fire('https://pmp.example.org/fhir/other', 'net::ERR_CONNECTION_RESET');
    wr.fire('https://pmp.example.org/fhir/metadata', 'net::ERR_CERT_DATE_INVALID');
    wr.fire('https://pmp.example.org/fhir/metadata', 'net::ERR_ABORTED');
    await expect(watch.error(0)).resolves.toBe('net::ERR_CERT_DATE_INVALID');
    watch.stop();
    watch.stop();
    expect(wr.listeners.size).toBe(0);
  });

  it('waits for an event that arrives after fetch rejected', async () => {
    const wr = fakeWebRequest();
    const watch = watchNetErrors(wr.api, 'https://pmp.invalid/metadata');
    const pending = watch.error(5_000);
    setTimeout(() => {
      wr.fire('https://pmp.invalid/metadata', 'net::ERR_NAME_NOT_RESOLVED');
    }, 10);
    await expect(pending).resolves.toBe('net::ERR_NAME_NOT_RESOLVED');
    watch.stop();
  });

  it('gives up after the grace period when the browser says nothing', async () => {
    vi.useFakeTimers();
    const wr = fakeWebRequest();
    const watch = watchNetErrors(wr.api, 'https://pmp.example.org/metadata');
    const pending = watch.error(1000);
    await vi.advanceTimersByTimeAsync(999);
    let settled = false;
    void pending.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(pending).resolves.toBeUndefined();
    watch.stop();
    expect(wr.listeners.size).toBe(0);
  });

  it('stop() ends a wait at once and later events are not heard', async () => {
    const wr = fakeWebRequest();
    const watch = watchNetErrors(wr.api, 'https://pmp.example.org/metadata');
    const pending = watch.error(60_000);
    watch.stop();
    await expect(pending).resolves.toBeUndefined();
    wr.fire('https://pmp.example.org/metadata', 'net::ERR_NAME_NOT_RESOLVED');
    await expect(watch.error(0)).resolves.toBeUndefined();
  });
});
