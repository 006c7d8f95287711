import { createServer, type IncomingMessage, type Server } from 'node:http';
import { syntheticPatients, type SyntheticPatient } from '../../lib/pmp/synthetic';
import { serveFixture } from './fixtures';
import { chartPage, layout, orderPage, schedulePage, signedPage } from './pages';

export interface EhrServerOptions {
  host?: string;
  port?: number;
  today?: Date;
  seed?: number;
}

const MAX_BODY = 64 * 1024;

async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk);
  }
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}

/** The demo EHR's patients: the fixed demo patients first, then a few more from the PMP's synthetic set. */
export function demoEhrPatients(options: { today?: Date; seed?: number } = {}): SyntheticPatient[] {
  const all = syntheticPatients(options);
  const anchors = all.filter((p) => p.id.startsWith('demo-'));
  const others = all.filter((p) => !p.id.startsWith('demo-')).slice(0, 9);
  return [...anchors, ...others, NOT_IN_PMP];
}

/** A chart patient the PMP has never heard of: the "no match" case of the side panel. */
export const NOT_IN_PMP: SyntheticPatient = {
  id: 'demo-not-in-pmp',
  given: 'Quinn',
  family: 'Nowhereton',
  birthDate: '1979-03-30',
  gender: 'female',
  postalCode: '06106',
  mrn: 'MRN-109999',
  scenario: 'no-history',
  fills: [],
};

/** Starts the demo EHR web site (loopback only). */
export async function startEhrServer(options: EhrServerOptions = {}): Promise<{ url: string; port: number; server: Server; close(): Promise<void> }> {
  const patients = demoEhrPatients(options);
  const byId = new Map(patients.map((p) => [p.id, p]));
  const server = createServer((req, res) => {
    const send = (status: number, html: string): void => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(html);
    };
    const url = new URL(req.url ?? '/', 'http://localhost');
    const m = /^\/patients\/([\w-]+)(\/orders(\/new)?)?\/?$/.exec(url.pathname);
    const patient = m?.[1] ? byId.get(m[1]) : undefined;
    if (req.method === 'GET' && url.pathname.startsWith('/fixtures/')) {
      // Other EHRs' pages (test/fixtures/ehr) for the content script's tests and benchmarks.
      serveFixture(url.pathname).then(
        (f) => {
          res.writeHead(f.status, { 'content-type': f.type, 'cache-control': 'no-store' });
          res.end(f.body);
        },
        () => {
          send(500, layout('Error', '<div class="card"><h1>Fixture error</h1></div>'));
        },
      );
    } else if (req.method === 'GET' && url.pathname === '/') {
      send(200, schedulePage(patients));
    } else if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
    } else if (!m || !patient) {
      send(404, layout('Not found', '<div class="card"><h1>Not found</h1><p><a href="/">Back to schedule</a></p></div>'));
    } else if (req.method === 'GET' && !m[2]) {
      send(200, chartPage(patient));
    } else if (req.method === 'GET' && m[3]) {
      send(200, orderPage(patient));
    } else if (req.method === 'POST' && m[2] && !m[3]) {
      readForm(req).then(
        (form) => {
          send(200, signedPage(patient, form));
        },
        () => {
          send(413, layout('Error', '<div class="card"><h1>Request too large</h1></div>'));
        },
      );
    } else {
      send(405, layout('Not allowed', '<div class="card"><h1>Method not allowed</h1></div>'));
    }
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://${host}:${String(port)}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
