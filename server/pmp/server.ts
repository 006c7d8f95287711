/**
 * The local PMP server: a loopback-only FHIR `$pdmp-history` endpoint over synthetic patients,
 * with fault injection for the demo and the end-to-end tests. It never logs request contents.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { PmpError } from '../../lib/pmp/errors';
import { parseHistoryRequest } from '../../lib/pmp/fhir';
import { findPatients, syntheticPatients } from '../../lib/pmp/synthetic';
import type { SyntheticPatient } from '../../lib/pmp/synthetic';
import { capabilityStatement, historyBundle, historyParameters, outcome, outcomeParameters } from './bundle';
import { renderExpired, renderReport, ReportStore } from './report';
import { SmartAuthority, smartConfiguration } from './smart';

export const FaultMode = z.enum(['none', 'timeout', 'error500', 'malformed', 'wrong-patient', 'partial', 'fatal']);
export type FaultMode = z.infer<typeof FaultMode>;

/**
 * Faults: `latencyMs` delays every FHIR answer; `mode` 'timeout' never answers, 'error500' answers
 * HTTP 500, 'fatal' answers an IG fatal-error outcome, 'malformed' truncated JSON, 'wrong-patient'
 * another patient's history, 'partial' half the fills with an 'incomplete' warning.
 */
export const FaultSettings = z.strictObject({
  latencyMs: z.number().int().min(0).max(600_000).optional(),
  mode: FaultMode.optional(),
});
export type FaultSettings = z.infer<typeof FaultSettings>;

export interface PmpServerOptions {
  seed?: number;
  today?: Date;
  /** Bearer token required on `$pdmp-history`; default 'demo-token'; null = no auth. */
  token?: string | null;
  faults?: FaultSettings;
  /** A loopback address; default 127.0.0.1. */
  host?: string;
  /** 0 = a free port. */
  port?: number;
  /** SMART Backend Services clients registered from the start (`{client_id, jwks}` each). */
  smartClients?: unknown[];
  /** Lifetime of the access tokens `/auth/token` issues; default 300 s. */
  accessTokenTtlSeconds?: number;
}

export interface PmpServerHandle {
  url: string;
  port: number;
  close(): Promise<void>;
  setFaults(f: FaultSettings): void;
  /** Registers a SMART Backend Services client (`{client_id, jwks}`); throws on a bad key. */
  registerClient(registration: unknown): void;
  /** Removes a client and invalidates the tokens it was issued. */
  revokeClient(clientId: string): boolean;
}

export const DEFAULT_TOKEN = 'demo-token';
const MAX_BODY_BYTES = 1024 * 1024;
const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const EXTENSION_ORIGIN = /^(chrome-extension|moz-extension|safari-web-extension):\/\/[A-Za-z0-9-]+$/;

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

function isLoopbackPeer(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || /^(::ffff:)?127(\.\d{1,3}){3}$/.test(address);
}

function localIsoDate(d: Date): string {
  return new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate())).toISOString().slice(0, 10);
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly diagnostics: string,
  ) {
    super(diagnostics);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'too-costly', 'Request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the synthetic PMP on a loopback address. */
export async function startPmpServer(options: PmpServerOptions = {}): Promise<PmpServerHandle> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) throw new Error('The local PMP server only listens on a loopback address');
  const token = options.token === undefined ? DEFAULT_TOKEN : options.token;
  let faults: FaultSettings = FaultSettings.parse(options.faults ?? {});
  const authority = new SmartAuthority(options.accessTokenTtlSeconds === undefined ? {} : { accessTokenTtlSeconds: options.accessTokenTtlSeconds });
  for (const c of options.smartClients ?? []) authority.register(c);
  const reports = new ReportStore();
  const waits = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let closed = false;
  let baseUrl = '';

  // Regenerated per calendar day so a long-running demo keeps fills relative to today.
  let cache: { day: string; patients: SyntheticPatient[] } | undefined;
  const population = (): { today: string; patients: SyntheticPatient[] } => {
    const now = options.today ?? new Date();
    const day = localIsoDate(now);
    if (cache?.day !== day) cache = { day, patients: syntheticPatients({ seed: options.seed, today: now }) };
    return { today: day, patients: cache.patients };
  };

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (ms <= 0 || closed) {
        resolve();
        return;
      }
      const wait = {
        timer: setTimeout(() => {
          waits.delete(wait);
          resolve();
        }, ms),
        resolve,
      };
      waits.add(wait);
    });

  const corsHeaders = (req: IncomingMessage): Record<string, string> => {
    const origin = req.headers.origin;
    if (!origin || !EXTENSION_ORIGIN.test(origin)) return {};
    return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
  };

  const send = (req: IncomingMessage, res: ServerResponse, status: number, body: string, contentType: string, extra: Record<string, string> = {}): void => {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, {
      'Content-Type': contentType,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      ...corsHeaders(req),
      ...extra,
    });
    res.end(body);
  };
  const sendJson = (req: IncomingMessage, res: ServerResponse, status: number, body: unknown, extra?: Record<string, string>): void => {
    send(req, res, status, JSON.stringify(body), FHIR_JSON, extra);
  };
  const sendOutcome = (req: IncomingMessage, res: ServerResponse, status: number, code: string, diagnostics: string, extra?: Record<string, string>): void => {
    sendJson(req, res, status, outcome(status >= 500 ? 'fatal' : 'error', code, diagnostics), extra);
  };

  const authorized = (req: IncomingMessage): boolean => {
    if (token === null) return true;
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    const presented = match?.[1]?.trim();
    if (presented === undefined) return false;
    // Compare digests: equal length for timingSafeEqual, and no early exit on the first wrong byte.
    return timingSafeEqual(digest(presented), digest(token)) || authority.accepts(presented);
  };

  const handleHistory = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    await sleep(faults.latencyMs ?? 0);
    if (closed) return;
    if (!authorized(req)) {
      sendOutcome(req, res, 401, 'login', 'A valid bearer token is required', { 'WWW-Authenticate': 'Bearer realm="pmp"' });
      return;
    }
    const mode = faults.mode ?? 'none';
    // Hang: the client's own timeout has to fire. close() drops the connection.
    if (mode === 'timeout') return;

    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new HttpError(400, 'structure', 'The body is not valid JSON');
    }
    let query;
    try {
      query = parseHistoryRequest(json).patient;
    } catch (e) {
      if (e instanceof PmpError) throw new HttpError(400, 'invalid', e.detail ?? 'Invalid Parameters');
      throw e;
    }

    if (mode === 'error500') {
      sendJson(req, res, 500, outcome('fatal', 'exception', 'Simulated PMP failure (fault injection)', 'error'));
      return;
    }
    if (mode === 'fatal') {
      sendJson(req, res, 200, outcomeParameters(outcome('error', 'exception', 'An unexpected system error occurred during processing. Please resubmit.', 'error')));
      return;
    }
    if (mode === 'malformed') {
      send(req, res, 200, '{"resourceType":"Parameters","parameter":[{"name":"pdmp-history-data","resource":{"resourceType":"Bun', FHIR_JSON);
      return;
    }

    const { today, patients } = population();
    const matches = findPatients(patients, query);
    if (matches.length === 0) {
      sendJson(req, res, 200, outcomeParameters(outcome('information', 'informational', 'No PDMP history was found for the submitted patient', 'no-data')));
      return;
    }
    if (matches.length > 1) {
      sendJson(req, res, 200, outcomeParameters(outcome('error', 'multiple-matches', 'Several patients match: add sex or ZIP code and search again')));
      return;
    }
    let patient = matches[0];
    if (!patient) return;
    if (mode === 'wrong-patient') {
      const asked = patient;
      patient = patients.find((p) => p.id !== asked.id && p.birthDate !== asked.birthDate && p.family !== asked.family && p.fills.length > 0) ?? patient;
    }
    let fills = patient.fills;
    let warning;
    if (mode === 'partial') {
      fills = fills.filter((_, i) => i % 2 === 0);
      warning = outcome(
        'warning',
        'incomplete',
        'Incomplete results: history includes only part of the data. A neighbouring state PMP (synthetic) did not respond within the timeout window.',
        'error',
      );
    }
    const reportUrl = `${baseUrl}/report/${reports.issue(patient.id, fills)}`;
    sendJson(req, res, 200, historyParameters(historyBundle(baseUrl, patient, fills, today), reportUrl, today, warning));
  };

  // Test hooks are for tools on this computer, never for a web page (which could register itself).
  const requireLoopbackTool = (req: IncomingMessage, what: string): void => {
    const origin = req.headers.origin;
    if (!isLoopbackPeer(req.socket.remoteAddress) || (origin !== undefined && !EXTENSION_ORIGIN.test(origin))) {
      throw new HttpError(403, 'forbidden', `${what} are only accepted from loopback tools`);
    }
  };

  const handleFaults = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Loopback only, and never from a web page (a page could otherwise switch faults on the demo).
    requireLoopbackTool(req, 'Fault settings');
    if (req.method === 'GET') {
      sendJson(req, res, 200, faults);
      return;
    }
    const body = await readBody(req);
    let parsed;
    try {
      parsed = FaultSettings.safeParse(JSON.parse(body));
    } catch {
      throw new HttpError(400, 'structure', 'The body is not valid JSON');
    }
    if (!parsed.success) throw new HttpError(400, 'invalid', 'Expected {"mode"?: string, "latencyMs"?: number}');
    faults = parsed.data;
    sendJson(req, res, 200, faults);
  };

  const handleClients = async (req: IncomingMessage, res: ServerResponse, clientId: string | undefined): Promise<void> => {
    requireLoopbackTool(req, 'Client registrations');
    if (req.method === 'DELETE' && clientId !== undefined) {
      const known = authority.revoke(clientId);
      sendJson(req, res, known ? 200 : 404, { client_id: clientId, revoked: known });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      throw new HttpError(400, 'structure', 'The body is not valid JSON');
    }
    try {
      authority.register(body);
    } catch (e) {
      const message = e instanceof z.ZodError ? (e.issues[0]?.message ?? 'invalid') : e instanceof Error ? e.message : 'invalid';
      throw new HttpError(400, 'invalid', `Expected {"client_id": string, "jwks": {"keys": [public JWK]}}: ${message}`);
    }
    sendJson(req, res, 201, { registered: true });
  };

  const handleToken = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    await sleep(faults.latencyMs ?? 0);
    if (closed) return;
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    const answer =
      type === 'application/x-www-form-urlencoded'
        ? authority.token(new URLSearchParams(body), `${baseUrl}/auth/token`)
        : { status: 400, body: { error: 'invalid_request', error_description: 'Send the token request as application/x-www-form-urlencoded' } };
    send(req, res, answer.status, JSON.stringify(answer.body), 'application/json; charset=utf-8', { Pragma: 'no-cache' });
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname).replace(/\/+$/, '') || '/';
    } catch {
      throw new HttpError(400, 'structure', 'Bad request path');
    }
    if (method === 'OPTIONS') {
      const cors = corsHeaders(req);
      const extra: Record<string, string> =
        Object.keys(cors).length === 0
          ? {}
          : {
              'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
              'Access-Control-Allow-Headers': 'Authorization, Content-Type, Accept',
              'Access-Control-Max-Age': '600',
              ...(req.headers['access-control-request-private-network'] === 'true' ? { 'Access-Control-Allow-Private-Network': 'true' } : {}),
            };
      if (!res.headersSent) {
        res.writeHead(204, { ...cors, ...extra });
        res.end();
      }
      return;
    }
    if (path === '/Patient/$pdmp-history' || path === '/$pdmp-history') {
      if (method !== 'POST') throw new HttpError(405, 'not-supported', 'Use POST for $pdmp-history');
      await handleHistory(req, res);
      return;
    }
    if (path === '/metadata' && method === 'GET') {
      await sleep(faults.latencyMs ?? 0);
      sendJson(req, res, 200, capabilityStatement(baseUrl, token !== null));
      return;
    }
    if (path === '/.well-known/smart-configuration' && method === 'GET') {
      send(req, res, 200, JSON.stringify(smartConfiguration(baseUrl)), 'application/json; charset=utf-8');
      return;
    }
    if (path === '/auth/token') {
      if (method !== 'POST') throw new HttpError(405, 'not-supported', 'Use POST for the token endpoint');
      await handleToken(req, res);
      return;
    }
    const clients = /^\/__clients(?:\/([^/]+))?$/.exec(path);
    if (clients && (method === 'POST' || method === 'DELETE')) {
      await handleClients(req, res, clients[1]);
      return;
    }
    if (path === '/__health' && method === 'GET') {
      sendJson(req, res, 200, { status: 'ok', patients: population().patients.length, faults });
      return;
    }
    if (path === '/__faults' && (method === 'GET' || method === 'POST')) {
      await handleFaults(req, res);
      return;
    }
    const report = /^\/report\/([A-Za-z0-9_-]+)$/.exec(path);
    if (report?.[1] !== undefined && method === 'GET') {
      const stored = reports.get(report[1]);
      const patient = stored ? population().patients.find((p) => p.id === stored.patientId) : undefined;
      const headers = { 'Referrer-Policy': 'no-referrer', 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'" };
      if (!stored || !patient) send(req, res, 404, renderExpired(), 'text/html; charset=utf-8', headers);
      else send(req, res, 200, renderReport(patient, stored.fills, new Date()), 'text/html; charset=utf-8', headers);
      return;
    }
    throw new HttpError(404, 'not-found', 'Unknown endpoint');
  };

  const server = createServer((req, res) => {
    route(req, res).catch((e: unknown) => {
      if (e instanceof HttpError) sendOutcome(req, res, e.status, e.code, e.diagnostics);
      else sendOutcome(req, res, 500, 'exception', 'Internal error');
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: baseUrl,
    port,
    setFaults(f: FaultSettings): void {
      faults = FaultSettings.parse(f);
    },
    registerClient(registration: unknown): void {
      authority.register(registration);
    },
    revokeClient: (clientId: string): boolean => authority.revoke(clientId),
    close: async (): Promise<void> => {
      if (closed) return;
      closed = true;
      for (const w of waits) {
        clearTimeout(w.timer);
        w.resolve();
      }
      waits.clear();
      const done = new Promise<void>((resolve, reject) => {
        server.close((err) => {
          if (err) reject(err);
          else resolve();
        });
      });
      // Hung requests ('timeout' mode) would otherwise keep close() waiting forever.
      server.closeAllConnections();
      await done;
    },
  };
}
