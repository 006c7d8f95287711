import { send } from '../messaging/content-client';
import type { PagePatient } from '../messaging/protocol';
import type { Decision } from '../rules/decision';
import type { RequestOf, ResponseOf } from '../messaging/protocol';
import { ageYears, hintConflicts, type CandidateOrder, type EhrAdapter } from './adapter';
import { frameShown, isShown, type FrameView } from './dom';
import { createPrompt, promptStateOf, type Dismissal, type PromptHandle, type Viewer } from './prompt';
import { watchPage, type WatchOptions } from './watcher';

export interface Observation {
  patient: PagePatient;
  candidate: CandidateOrder;
}

/** Below this an adapter's guess is not shown (the generic adapter scores its own confidence). */
export const MIN_CONFIDENCE = 0.6;
/** A page with more candidate orders than this is more likely a list than orders being written. */
const MAX_ORDERS = 6;

/** Names, DOB and MRN compared without case: enough to tell two patients apart, kept in memory only. */
function patientIdentity(p: PagePatient): string {
  return [p.family, p.given, p.birthDate, p.mrn ?? ''].join('|').toLowerCase();
}

/**
 * The patient for an order: first the order's own document (near the order, for pages with one
 * header per tab), then the same-origin frames above it (the banner in the top frame).
 */
export function findPatientFor(
  adapter: EhrAdapter,
  anchor: Element,
  frame: FrameView,
  here: PagePatient | null = adapter.findPatient(frame.doc, anchor),
): { patient: PagePatient; fromAncestor: boolean } | null {
  if (here) return { patient: here, fromAncestor: false };
  for (const a of frame.ancestors) {
    try {
      const p = adapter.findPatient(a.doc, a.frame ?? undefined);
      if (p) return { patient: p, fromAncestor: true };
    } catch {
      // A parent that navigated away mid-read: no patient from there.
    }
  }
  return null;
}

/** The EHR's signed-in user as shown in this document or the same-origin frames above it, or undefined. */
export function findUserFor(adapter: EhrAdapter, frame: FrameView): string | undefined {
  if (!adapter.findUser) return undefined;
  for (const doc of [frame.doc, ...frame.ancestors.map((a) => a.doc)]) {
    try {
      const user = adapter.findUser(doc);
      if (user) return user;
    } catch {
      // A parent that navigated away mid-read: no user from there.
    }
  }
  return undefined;
}

export interface ControllerOptions extends WatchOptions {
  frame?: FrameView;
  minConfidence?: number;
  /** Offer "Wrong fields?" on the prompt (generic and mapped adapters). */
  onMapFields?: () => void;
  /** How to ask the background (the content script passes its long-lived port, see channel.ts). */
  evaluate?: (req: RequestOf<'evaluate'>) => Promise<ResponseOf<'evaluate'>>;
}

interface Slot {
  anchor: Element;
  key: string;
  seq: number;
  prompt: PromptHandle;
  obs: Observation;
  decision?: Decision;
  /** Who uses PMP Check here, as the background said with the decision. */
  viewer?: Viewer;
  /** What is on screen now, so an identical answer does not rebuild the prompt. */
  shown?: string;
  /** The answer on screen, when it is one (the channel gives an equal answer as the same value). */
  shownAnswer?: ResponseOf<'evaluate'>;
}

function warnOnce(seen: Set<string>, id: string, message: string): void {
  if (seen.has(id)) return;
  seen.add(id);
  // Never PHI here: fixed messages only.
  console.warn(`PMP Check: ${message}`);
}

/**
 * Runs one EHR document: watches for orders, asks the background for each decision, shows a
 * prompt right after each order. Never throws into the page: failures are logged without PHI.
 * Never mixes patients: an order in a hidden tab or frame, a form naming another patient, or a
 * frame opened for a patient other than the one now selected stays silent.
 */
export function runController(adapter: EhrAdapter, doc: Document, signal: AbortSignal, options: ControllerOptions = {}): { refresh: () => void } {
  const frame: FrameView = options.frame ?? { doc, ancestors: [] };
  const minConfidence = options.minConfidence ?? MIN_CONFIDENCE;
  const ask = options.evaluate ?? ((req: RequestOf<'evaluate'>) => send('evaluate', req));
  const slots = new Map<Element, Slot>();
  const dismissed = new Map<string, Dismissal>();
  const warned = new Set<string>();
  // A child frame belongs to the patient selected when it was first seen; if the banner above
  // later shows someone else, this frame is stale (a tab left open) until it is reloaded.
  let pinnedPatient: string | undefined;
  for (const a of frame.ancestors) {
    try {
      const p = adapter.findPatient(a.doc, a.frame ?? undefined);
      if (p) {
        pinnedPatient = patientIdentity(p);
        break;
      }
    } catch {
      // unreadable parent: pin at the first order instead
    }
  }

  function dropSlot(slot: Slot): void {
    slot.prompt.remove();
    slots.delete(slot.anchor);
  }
  function clearAll(): void {
    for (const s of [...slots.values()]) dropSlot(s);
  }

  function openPanel(slot: Slot): void {
    if (!slot.decision) return;
    // Sent straight from the click so the background can open the panel with the user's gesture.
    // The EHR's signed-in user goes along: a delegate's prescriber picker preselects them.
    const ehrUser = findUserFor(adapter, frame);
    send('openPanel', { patient: slot.obs.patient, order: slot.obs.candidate.order, decision: slot.decision, ...(ehrUser ? { ehrUser } : {}) }).catch((e: unknown) => {
      console.warn('PMP Check: could not open the PMP panel', e instanceof Error ? e.message : 'unknown error');
    });
  }

  async function dismiss(slot: Slot, d: Dismissal): Promise<void> {
    if (!slot.decision) throw new Error('Nothing to dismiss yet');
    await send('dismissPrompt', { patient: slot.obs.patient, order: slot.obs.candidate.order, decision: slot.decision, ...d });
    dismissed.set(slot.key, d);
    if (slots.get(slot.anchor) !== slot) return;
    slot.shown = JSON.stringify(d);
    slot.shownAnswer = undefined;
    slot.prompt.renderDismissed(d);
  }

  async function acknowledge(slot: Slot, reviewId: string | undefined): Promise<void> {
    const r = await send('acknowledge', { patient: slot.obs.patient, order: slot.obs.candidate.order, ...(reviewId ? { reviewId } : {}) });
    if (slots.get(slot.anchor) !== slot || signal.aborted) return;
    slot.seq++; // an answer asked before the acknowledgement is out of date
    slot.decision = r.decision;
    const shown = JSON.stringify([r.decision, slot.viewer]);
    if (shown === slot.shown) return;
    slot.shown = shown;
    slot.shownAnswer = undefined;
    slot.prompt.render(r.decision, slot.viewer);
  }

  function newSlot(c: CandidateOrder, obs: Observation): Slot {
    const slot: Slot = {
      anchor: c.anchor,
      key: '',
      seq: 0,
      obs,
      prompt: createPrompt(doc, {
        onReview: () => {
          openPanel(slot);
        },
        onDismiss: (d) => dismiss(slot, d),
        onAcknowledge: (reviewId) => acknowledge(slot, reviewId),
        ...(options.onMapFields ? { onMapFields: options.onMapFields } : {}),
      }),
    };
    slots.set(c.anchor, slot);
    return slot;
  }

  async function evaluate(slot: Slot): Promise<void> {
    const mine = ++slot.seq;
    const answer = await ask({ patient: slot.obs.patient, order: slot.obs.candidate.order });
    const { decision, viewer } = answer;
    if (mine !== slot.seq || signal.aborted || slots.get(slot.anchor) !== slot) return; // a newer edit won
    slot.decision = decision;
    slot.viewer = viewer;
    slot.prompt.place(slot.anchor, slot.obs.candidate.order.drugText);
    // A dismissal stands while the order still wants a review; a review recorded since wins.
    const d = dismissed.get(slot.key);
    const state = promptStateOf(decision);
    const showDismissed = d && (state === 'due' || state === 'pmp-unavailable' || state === 'undetermined');
    // Typing that does not change the answer (most keystrokes in a sig) changes nothing on screen.
    if (!showDismissed && answer === slot.shownAnswer) return;
    const shown = JSON.stringify(showDismissed ? d : [decision, viewer]);
    slot.shownAnswer = showDismissed ? undefined : answer;
    if (shown === slot.shown) return;
    slot.shown = shown;
    if (showDismissed) slot.prompt.renderDismissed(d);
    else slot.prompt.render(decision, viewer);
  }

  function patientOk(patient: PagePatient, fromAncestor: boolean): boolean {
    if (!fromAncestor) return true;
    const id = patientIdentity(patient);
    pinnedPatient ??= id;
    if (pinnedPatient === id) return true;
    warnOnce(warned, 'stale-frame', 'this frame was opened for another patient than the one now selected; reload it to check its orders');
    return false;
  }

  // The patient shown in this document only changes with its structure (a banner re-rendered,
  // a tab switched): looked up once per structure generation, not on every keystroke.
  let ownPatients = { generation: -1, byAnchor: new Map<Element, PagePatient>() };
  function ownPatient(anchor: Element, generation: number): PagePatient | null {
    if (ownPatients.generation !== generation) ownPatients = { generation, byAnchor: new Map() };
    const known = ownPatients.byAnchor.get(anchor);
    if (known) return known;
    // Not found is not remembered: a banner may be shown later without a structure change.
    const p = adapter.findPatient(doc, anchor);
    if (p) ownPatients.byAnchor.set(anchor, p);
    return p;
  }

  // Whether an order is shown only changes with the page (a tab switched, a dialog closed: DOM
  // mutations) or its style sheets: looked up again after any mutation and on every poll, not
  // on every keystroke (the engine's visibility check forces a style update).
  let visibility = { changes: -1, byAnchor: new Map<Element, boolean>() };
  function shownNow(anchor: Element, changes: number): boolean {
    if (visibility.changes !== changes) visibility = { changes, byAnchor: new Map() };
    let shown = visibility.byAnchor.get(anchor);
    if (shown === undefined) {
      shown = isShown(anchor);
      visibility.byAnchor.set(anchor, shown);
    }
    return shown;
  }

  function check(force: boolean, scan: { generation: number; changes: number; shadowRoots: readonly ShadowRoot[] }): void {
    if (!frameShown(frame)) {
      clearAll();
      return;
    }
    // A forced check (a review recorded) looks again at everything.
    if (force) visibility.changes = -1;
    const orders = adapter.findOrders(doc, scan).filter((c) => c.confidence >= minConfidence && shownNow(c.anchor, scan.changes));
    const candidates = orders.length > MAX_ORDERS ? [] : orders;
    const seen = new Set<Element>();
    for (const c of candidates) {
      const found = findPatientFor(adapter, c.anchor, frame, ownPatient(c.anchor, scan.generation));
      if (!found) {
        warnOnce(warned, 'no-patient', 'an order was found but no patient banner; staying silent');
        continue;
      }
      const { patient } = found;
      if (!patientOk(patient, found.fromAncestor)) continue;
      if (hintConflicts(c.patientHint, patient)) {
        warnOnce(warned, 'mismatch', 'the order form names another patient than the banner; staying silent');
        continue;
      }
      seen.add(c.anchor);
      // Age rules (minors' supply limits, "patients 16 and older") need it; the banner's DOB gives it.
      const age = c.order.patientAgeYears ?? ageYears(patient.birthDate, new Date());
      const candidate: CandidateOrder = age === undefined ? c : { ...c, order: { ...c.order, patientAgeYears: age } };
      const obs: Observation = { patient, candidate };
      const key = JSON.stringify([patient, candidate.order]);
      let slot = slots.get(c.anchor);
      if (slot && slot.key === key && !force) {
        slot.obs = obs; // same order; keep the freshest elements
        continue;
      }
      slot ??= newSlot(candidate, obs);
      slot.key = key;
      slot.obs = obs;
      evaluate(slot).catch((e: unknown) => {
        console.warn('PMP Check: could not check this order', e instanceof Error ? e.message : 'unknown error');
      });
    }
    for (const slot of [...slots.values()]) if (!seen.has(slot.anchor)) dropSlot(slot);
  }

  const run = (force: boolean): void => {
    if (signal.aborted) return;
    try {
      check(force, { generation: watch.generation(), changes: watch.changes(), shadowRoots: watch.shadowRoots() });
    } catch (e) {
      warnOnce(warned, 'scan', `could not read this page (${e instanceof Error ? e.name : 'error'})`);
    }
  };
  const watch = watchPage(doc, signal, () => {
    run(false);
  }, options);
  signal.addEventListener('abort', clearAll);
  return {
    refresh: () => {
      run(true);
    },
  };
}
