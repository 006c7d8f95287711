import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

/**
 * Other EHRs' pages, for the content script's tests and benchmarks: the fixture files under
 * test/fixtures/ehr/ (see its SOURCE.md) served under /fixtures/, plus generated pages.
 */

export const FIXTURES_ROOT = resolve(import.meta.dirname, '../../test/fixtures/ehr');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.php': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

// Single-page apps answer every path under their root with the app's one page.
const SPA_ROOTS: readonly (readonly [string, string])[] = [
  ['openmrs/openmrs/spa/', 'openmrs/spa.html'],
  ['generic/spa/', 'generic/spa.html'],
];

export interface FixtureResponse {
  status: number;
  type: string;
  body: string;
}

const notFound: FixtureResponse = { status: 404, type: TYPES['.html'] ?? 'text/html', body: '<!doctype html><title>Not found</title><h1>No such fixture</h1>' };

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${String(c.charCodeAt(0))};`);
}

/**
 * A large EHR-like page of about `n` elements (navigation, a results table, a patient banner)
 * with one labelled prescription form in the middle: the content-script benchmark's page.
 */
export function bigPage(n: number): string {
  const rows: string[] = [];
  // Each results row is 6 elements (tr + 5 td).
  const count = Math.max(0, Math.floor((n - 120) / 6));
  for (let i = 0; i < count; i++) {
    rows.push(`<tr><td>2025-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}</td><td>Lab ${String(i)}</td><td>${String((i * 7) % 100)}</td><td>mg/dL</td><td>normal</td></tr>`);
  }
  const half = Math.floor(rows.length / 2);
  const links = Array.from({ length: 30 }, (_, i) => `<li><a href="#m${String(i)}">Menu item ${String(i)}</a></li>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Clinic workspace — benchmark page</title>
<style>body{font:14px Arial,sans-serif;margin:0}nav{width:180px;float:left}main{margin-left:190px;padding:8px}table{border-collapse:collapse}td{padding:1px 6px;border-bottom:1px solid #eee}label{display:inline-block;width:130px}</style></head>
<body><nav><ul>${links}</ul></nav><main>
<div class="patient-banner" aria-label="Patient"><strong class="patient-name">Testwell, Morgan</strong> · DOB: 04/09/1961 · MRN: MRN-100234 · Sex: F</div>
<section><h2>Results</h2><table class="results"><thead><tr><th>Date</th><th>Test</th><th>Value</th><th>Unit</th><th>Flag</th></tr></thead><tbody>${rows.slice(0, half).join('')}</tbody></table></section>
<section aria-label="New prescription"><h2>New prescription</h2>
<form id="order">
<div><label for="b-drug">Medication</label><input id="b-drug" autocomplete="off"></div>
<div><label for="b-qty">Quantity</label><input id="b-qty" inputmode="numeric"></div>
<div><label for="b-sig">Sig</label><textarea id="b-sig" rows="2" cols="40"></textarea></div>
<div><label for="b-days">Days supply</label><input id="b-days" inputmode="numeric"></div>
<button type="button">Sign</button></form></section>
<section><h2>Older results</h2><table class="results"><tbody>${rows.slice(half).join('')}</tbody></table></section>
</main><p id="element-count">${esc(String(n))}</p></body></html>`;
}

/** The fixture at a /fixtures/… path, or a 404; never a file outside the fixtures folder. */
export async function serveFixture(pathname: string): Promise<FixtureResponse> {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname.replace(/^\/fixtures\//, ''));
  } catch {
    return { ...notFound, status: 400 };
  }
  const big = /^generated\/big-(\d{2,6})\.html$/.exec(rel);
  if (big?.[1]) {
    const n = Number(big[1]);
    return n >= 200 && n <= 50_000 ? { status: 200, type: TYPES['.html'] ?? '', body: bigPage(n) } : notFound;
  }
  for (const [prefix, page] of SPA_ROOTS) if (rel.startsWith(prefix)) rel = page;
  const file = resolve(FIXTURES_ROOT, rel);
  if (!file.startsWith(FIXTURES_ROOT + sep)) return notFound;
  const type = TYPES[extname(file)];
  if (!type) return notFound;
  try {
    const info = await stat(file);
    if (!info.isFile()) return notFound;
    return { status: 200, type, body: await readFile(file, 'utf8') };
  } catch {
    return notFound;
  }
}

/** Path of a fixture file (for tests that read it directly). */
export function fixturePath(rel: string): string {
  return join(FIXTURES_ROOT, rel);
}
