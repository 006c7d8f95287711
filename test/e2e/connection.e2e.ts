// "Test connection" in the options page, in Chromium with the built extension, against addresses
// that fail below HTTP: a name that never resolves (.invalid, RFC 6761), a real HTTPS server on
// loopback with a throwaway self-signed certificate, and a loopback port where nothing listens.
// The report must name the cause (DNS, untrusted certificate, refused), which fetch() alone cannot;
// the extension reads it from webRequest.onErrorOccurred. Chromium runs without
// --ignore-certificate-errors (harness.ts), so the certificate is judged for real.
// Screenshots: test-results/e2e/connection-*.png.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shot } from './ehr-support';
import { launchWithExtension, type Launched } from './harness';

/** A free loopback port (asked of the OS, then released). */
async function freePort(): Promise<number> {
  const probe = createTcpServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const addr = probe.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  await new Promise<void>((r) => probe.close(() => { r(); }));
  return port;
}

describe('Test connection names failures below HTTP', () => {
  let l: Launched;
  let opts: Page;
  let certDir = '';
  let tls: Server;
  let tlsUrl = '';
  let tlsRequests = 0;

  beforeAll(async () => {
    // A throwaway key and self-signed certificate, valid for 127.0.0.1 (so only its issuer is wrong).
    certDir = mkdtempSync(join(tmpdir(), 'pmp-e2e-tls-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem'),
      '-days', '2', '-subj', '/CN=PMP Check e2e self-signed', '-addext', 'subjectAltName=IP:127.0.0.1',
    ], { stdio: 'ignore' });
    tls = createHttpsServer({ key: readFileSync(join(certDir, 'key.pem')), cert: readFileSync(join(certDir, 'cert.pem')) }, (_req, res) => {
      tlsRequests++;
      res.writeHead(200, { 'content-type': 'application/fhir+json' });
      res.end(JSON.stringify({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', rest: [{ operation: [{ name: 'pdmp-history' }] }] }));
    });
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    const addr = tls.address();
    tlsUrl = `https://127.0.0.1:${String(typeof addr === 'object' && addr ? addr.port : 0)}/fhir`;

    l = await launchWithExtension();
    opts = await l.context.newPage();
    await opts.setViewportSize({ width: 900, height: 1100 });
    await opts.goto(`chrome-extension://${l.extensionId}/options.html`);
    await opts.getByRole('radio', { name: /FHIR PDMP endpoint/ }).check();
  });

  afterAll(async () => {
    await l.close();
    tls.closeAllConnections();
    await new Promise<void>((r) => tls.close(() => { r(); }));
    rmSync(certDir, { recursive: true, force: true });
  });

  /** Enters a base URL, presses Test connection, and returns the failed reach step once shown. */
  async function testAt(baseUrl: string, expected: string): Promise<{ problem: string | null; reach: string }> {
    await opts.getByLabel('FHIR PDMP base URL').fill(baseUrl);
    await opts.getByRole('button', { name: 'Test connection' }).click();
    // The previous test's report stays on screen until this run's answer replaces it: wait for a
    // report naming the expected problem (a wrong answer still fails, by timeout and the checks below).
    const report = opts.locator(`[data-testid="connection-report"][data-problem="${expected}"]`);
    const reach = report.locator('[data-step="reach"].bad');
    await reach.waitFor({ timeout: 20_000 });
    return { problem: await report.getAttribute('data-problem'), reach: await reach.innerText() };
  }

  it('a name that does not resolve: DNS, by name', async () => {
    const r = await testAt('https://pmp.invalid/fhir', 'dns');
    expect(r.problem).toBe('dns');
    expect(r.reach).toContain('The name pmp.invalid does not resolve (DNS)');
    expect(r.reach).toContain('net::ERR_NAME_NOT_RESOLVED');
    expect(r.reach).not.toContain('browsers do not say which');
    await opts.locator('form[aria-label="PMP connection"]').screenshot({ path: shot('connection-01-dns.png') });
  });

  it('a self-signed certificate: not trusted, issued by an unknown authority', async () => {
    const r = await testAt(tlsUrl, 'tls-untrusted');
    expect(r.problem).toBe('tls-untrusted');
    expect(r.reach).toContain("The server's TLS certificate is not trusted (issued by an unknown authority)");
    expect(r.reach).toContain('net::ERR_CERT_AUTHORITY_INVALID');
    // The handshake failed before any request reached the server.
    expect(tlsRequests).toBe(0);
    await opts.locator('form[aria-label="PMP connection"]').screenshot({ path: shot('connection-02-tls-untrusted.png') });
  });

  it('a port where nothing listens: refused, with host and port', async () => {
    const port = await freePort();
    const r = await testAt(`https://127.0.0.1:${String(port)}/fhir`, 'connection-refused');
    expect(r.problem).toBe('connection-refused');
    expect(r.reach).toContain(`Nothing accepts connections at 127.0.0.1:${String(port)}`);
    await opts.locator('form[aria-label="PMP connection"]').screenshot({ path: shot('connection-03-refused.png') });
  });
});
