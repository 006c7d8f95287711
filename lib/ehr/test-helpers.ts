import { readFileSync } from 'node:fs';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { fixturePath } from '../../server/demo-ehr/fixtures';
import { startEhrServer } from '../../server/demo-ehr/server';
import type { PagePatient } from '../messaging/protocol';
import type { Order } from '../orders/order';
import type { Decision } from '../rules/decision';

/** Test-only helpers for the EHR content script: fixture pages in happy-dom, a fake background. */

interface HappyDomControl {
  settings: { enableJavaScriptEvaluation: boolean; enableIframePageLoading: boolean };
  setURL(url: string): void;
  waitUntilComplete(): Promise<void>;
}

function happyDom(): HappyDomControl {
  return (window as unknown as { happyDOM: HappyDomControl }).happyDOM;
}

/** A fixture file's text (test/fixtures/ehr/…). */
export function readFixture(rel: string): string {
  return readFileSync(fixturePath(rel), 'utf8');
}

/** Replaces the test document with this HTML, at this URL. Scripts run only when asked. */
export async function loadHtml(html: string, options: { url?: string; scripts?: boolean } = {}): Promise<void> {
  const hd = happyDom();
  if (options.url) hd.setURL(options.url);
  const parsed = new DOMParser().parseFromString(html, 'text/html');
  document.title = parsed.title;
  document.body.className = parsed.body.className;
  document.documentElement.innerHTML = parsed.documentElement.innerHTML;
  if (!options.scripts) {
    for (const s of document.querySelectorAll('script')) s.remove();
    return;
  }
  hd.settings.enableJavaScriptEvaluation = true;
  hd.settings.enableIframePageLoading = true;
  // Scripts set through innerHTML do not run: re-insert each as a new element, in order.
  for (const old of [...document.querySelectorAll('script')]) {
    const s = document.createElement('script');
    s.textContent = old.textContent;
    old.replaceWith(s);
  }
  await hd.waitUntilComplete();
}

/** The demo EHR server (which serves test/fixtures/ehr under /fixtures/) on a free port. */
export async function startFixtureServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const s = await startEhrServer({ port: 0 });
  return { url: s.url, close: () => s.close() };
}

/** Loads a fixture page over HTTP (so its frames load and its scripts run) as the test document. */
export async function loadFixturePage(baseUrl: string, path: string): Promise<void> {
  const url = `${baseUrl}${path}`;
  happyDom().setURL(url); // same origin first: happy-dom's fetch applies CORS
  const html = await (await fetch(url)).text();
  await loadHtml(html, { url, scripts: true });
}

export interface EvaluateCall {
  patient: PagePatient;
  order: Order;
}

/** A decision as the background would give it, from the order's quantity (for controller tests). */
export function fakeDecision(order: Order): Decision {
  const controlled = !/amoxicillin|lisinopril/i.test(order.drugText);
  const due = controlled && (order.quantity ?? 0) > 12;
  return {
    status: due ? 'due' : controlled && order.quantity === undefined ? 'undetermined' : 'not-required',
    ruleIds: due ? ['ct-72h-supply'] : [],
    headline: due ? 'PMP review required — more than a 72-hour supply of a Schedule II drug (CT)' : 'No PMP review required for this order (CT)',
    reasons: due ? [{ ruleId: 'ct-72h-supply', text: 'more than a 72-hour supply of a Schedule II drug', citation: 'CGS 21a-254(j)(1)', verified: true }] : [],
    notes: [],
    drug: { controlled, schedule: controlled ? 'CII' : undefined, opioid: controlled, benzodiazepine: false },
    supply: { daysSupply: (order.quantity ?? 0) / 4, min: null, max: null, dosesPerDay: 4, dosesPerDayMin: 4, dosesPerDayMax: 4, source: 'computed', uncertain: false, explanation: '' },
    state: 'CT',
    packVersion: 't',
  };
}

/** Who the fake background says is using PMP Check (the evaluate answer's `viewer`). */
export interface FakeViewer {
  role: 'prescriber' | 'delegate';
  name: string;
}

/**
 * Stands in for the background: answers "evaluate" (with `decide`, and `state.viewer`),
 * "dismissPrompt", "acknowledge" (with `state.acknowledged`) and "openPanel" the way the real
 * handlers' envelope does, and records every call.
 */
export function fakeBackground(decide: (order: Order) => Decision = fakeDecision): {
  evaluations: EvaluateCall[];
  dismissals: unknown[];
  acknowledgements: unknown[];
  panels: unknown[];
  fail: { dismiss?: string; acknowledge?: string };
  state: { viewer?: FakeViewer; acknowledged?: (order: Order) => Decision };
} {
  const evaluations: EvaluateCall[] = [];
  const dismissals: unknown[] = [];
  const acknowledgements: unknown[] = [];
  const panels: unknown[] = [];
  const fail: { dismiss?: string; acknowledge?: string } = {};
  const state: { viewer?: FakeViewer; acknowledged?: (order: Order) => Decision } = {};
  const answer = (order: Order) => ({ decision: decide(order), ...(state.viewer ? { viewer: state.viewer } : {}) });
  fakeBrowser.runtime.onMessage.addListener(((msg: { type: string; data: EvaluateCall }, _s: unknown, reply: (r: unknown) => void) => {
    if (msg.type === 'evaluate') {
      evaluations.push(msg.data);
      reply({ ok: true, value: answer(msg.data.order) });
      return true;
    }
    if (msg.type === 'acknowledge') {
      acknowledgements.push(msg.data);
      const d = (state.acknowledged ?? decide)(msg.data.order);
      reply(fail.acknowledge ? { ok: false, error: fail.acknowledge } : { ok: true, value: { seq: acknowledgements.length, createdAt: new Date().toISOString(), decision: d, alreadyAcknowledged: false } });
      return true;
    }
    if (msg.type === 'openPanel') {
      panels.push(msg.data);
      reply({ ok: true, value: { opened: true } });
      return true;
    }
    if (msg.type === 'dismissPrompt') {
      dismissals.push(msg.data);
      reply(fail.dismiss ? { ok: false, error: fail.dismiss } : { ok: true, value: { seq: dismissals.length, createdAt: new Date().toISOString() } });
      return true;
    }
    return undefined;
  }) as never);
  // The content script's "evaluate" port (channel.ts): answered the same way.
  (fakeBrowser.runtime as unknown as { connect: unknown }).connect = () => fakePort((data) => {
    const req = data as EvaluateCall;
    evaluations.push(req);
    return { ok: true, value: answer(req.order) };
  });
  return { evaluations, dismissals, acknowledgements, panels, fail, state };
}

type Listener = (msg: unknown) => void;

/** A runtime.Port whose other end answers each `{id, data}` with `{id, reply: answer(data)}`. */
export function fakePort(answer: (data: unknown) => unknown): FakePort {
  const onMessage = new Set<Listener>();
  const onDisconnect = new Set<() => void>();
  const port: FakePort = {
    name: 'fake',
    onMessage: { addListener: (l: Listener) => onMessage.add(l), removeListener: (l: Listener) => onMessage.delete(l) },
    onDisconnect: { addListener: (l: () => void) => onDisconnect.add(l), removeListener: (l: () => void) => onDisconnect.delete(l) },
    postMessage: (msg: unknown) => {
      const { id, data } = msg as { id: number; data: unknown };
      setTimeout(() => {
        for (const l of onMessage) l({ id, reply: answer(data) });
      }, 0);
    },
    disconnect: () => undefined,
    dropFromOtherEnd: () => {
      for (const l of onDisconnect) l();
    },
  };
  return port;
}

export interface FakePort {
  name: string;
  onMessage: { addListener: (l: Listener) => void; removeListener: (l: Listener) => void };
  onDisconnect: { addListener: (l: () => void) => void; removeListener: (l: () => void) => void };
  postMessage: (msg: unknown) => void;
  disconnect: () => void;
  /** Test only: the background side went away. */
  dropFromOtherEnd: () => void;
}
