import type { PagePatient } from '../messaging/protocol';
import type { EhrAdapter, CandidateOrder } from './adapter';

export interface Observation {
  patient: PagePatient;
  candidate: CandidateOrder;
}

/** The patient banner may live in the top frame while the order form is in a child frame. */
function findPatientAnywhere(adapter: EhrAdapter, doc: Document): PagePatient | null {
  const here = adapter.findPatient(doc);
  if (here) return here;
  try {
    const top = doc.defaultView?.top;
    if (top && top !== doc.defaultView) return adapter.findPatient(top.document);
  } catch {
    // Cross-origin top frame: no patient from there.
  }
  return null;
}

/** One look at the page: the first order form with a drug, and the patient it is for. */
export function observe(adapter: EhrAdapter, doc: Document): Observation | null {
  const candidate = adapter.findOrders(doc)[0];
  if (!candidate) return null;
  const patient = findPatientAnywhere(adapter, doc);
  if (!patient) return null;
  return { patient, candidate };
}

/**
 * Calls `onChange` (debounced) whenever the order or patient on the page may have changed:
 * typing, selects, script-set values (DOM mutations, or a slow poll) and late-loading forms.
 * Everything is torn down through the signal.
 */
export function watchPage(doc: Document, signal: AbortSignal, onChange: () => void, delayMs = 150, pollMs = 1000): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(onChange, delayMs);
  };
  for (const type of ['input', 'change']) doc.addEventListener(type, schedule, { capture: true, signal });
  const mo = new MutationObserver((records) => {
    // Our own prompt re-rendering must not wake us up again.
    if (records.every((r) => r.target instanceof Element && r.target.closest('pmp-check-prompt'))) return;
    schedule();
  });
  mo.observe(doc.documentElement, {
    childList: true,
    subtree: true,
    characterData: true,
    attributes: true,
    attributeFilter: ['value', 'checked', 'selected', 'hidden', 'data-value'],
  });
  // Widgets may set `.value` by script with no event and no mutation: a slow poll catches those.
  const poll = setInterval(onChange, pollMs);
  signal.addEventListener('abort', () => {
    clearInterval(poll);
    mo.disconnect();
    if (timer !== undefined) clearTimeout(timer);
  });
  schedule();
}
