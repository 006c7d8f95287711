import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { orderPage } from '../../server/demo-ehr/pages';
import type { SyntheticPatient } from '../pmp/synthetic';
import type { CandidateOrder, EhrAdapter } from './adapter';
import { demoEhr } from './adapters/demo-ehr';
import { findUserFor, runController } from './controller';
import { fakeBackground, fakeDecision } from './test-helpers';
import type { Order } from '../orders/order';
import type { Decision } from '../rules/decision';

const patient = { id: 'demo-chronic', given: 'Morgan', family: 'Testwell', birthDate: '1961-04-09', gender: 'female', postalCode: '06103', mrn: 'MRN-100234', scenario: 'chronic-opioid', fills: [] } as unknown as SyntheticPatient;

let bg: ReturnType<typeof fakeBackground>;
let abort: AbortController;

beforeEach(() => {
  vi.useFakeTimers({ shouldAdvanceTime: true });
  document.documentElement.innerHTML = new DOMParser().parseFromString(orderPage(patient), 'text/html').documentElement.innerHTML;
  bg = fakeBackground();
  abort = new AbortController();
});
afterEach(() => {
  abort.abort();
  vi.useRealTimers();
});

function type(sel: string, value: string, doc: Document = document): void {
  const el = doc.querySelector<HTMLInputElement>(sel);
  if (!el) throw new Error(sel);
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

async function settle(ms = 400): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}

const prompts = (doc: Document = document) => [...doc.querySelectorAll('pmp-check-prompt')];

describe('content controller on the demo EHR', () => {
  it('asks nothing while no drug is entered', async () => {
    runController(demoEhr, document, abort.signal);
    await settle();
    expect(bg.evaluations).toHaveLength(0);
    expect(prompts()).toHaveLength(0);
  });

  it('debounces typing into one evaluation and puts the prompt right after the form', async () => {
    runController(demoEhr, document, abort.signal);
    type('#drug', 'oxycodone 5 mg tablet');
    type('#quantity', '4');
    type('#quantity', '40');
    type('#sig', '1 tab q6h prn');
    await settle();
    expect(bg.evaluations).toHaveLength(1);
    expect(bg.evaluations[0]?.patient.mrn).toBe('MRN-100234');
    expect(bg.evaluations[0]?.order.quantity).toBe(40);
    // The patient's age from the banner's DOB, for age-dependent rules and limits.
    const now = new Date();
    const age = now.getFullYear() - 1961 - (now.getMonth() < 3 || (now.getMonth() === 3 && now.getDate() < 9) ? 1 : 0);
    expect(bg.evaluations[0]?.order.patientAgeYears).toBe(age);
    const host = document.querySelector('pmp-check-prompt');
    expect(host?.getAttribute('data-pmp-review')).toBe('due');
    expect(host?.previousElementSibling?.id).toBe('rx-form');
  });

  it('follows the typing closely: a pause of 25 ms is enough to ask', async () => {
    runController(demoEhr, document, abort.signal);
    await settle();
    type('#drug', 'oxycodone 5 mg tablet');
    type('#quantity', '40');
    await settle(30);
    expect(bg.evaluations).toHaveLength(1);
  });

  it('notices a value set by script with no event and no mutation (the slow poll)', async () => {
    runController(demoEhr, document, abort.signal);
    type('#drug', 'oxycodone 5 mg tablet');
    await settle();
    const q = document.querySelector<HTMLInputElement>('#quantity');
    if (!q) throw new Error('no quantity');
    q.value = '40'; // no event, no attribute: only the poll can see it
    await settle(1100);
    expect(document.querySelector('pmp-check-prompt')?.getAttribute('data-pmp-review')).toBe('due');
  });

  it('does not re-ask when nothing changed, and re-asks on refresh()', async () => {
    const c = runController(demoEhr, document, abort.signal);
    type('#drug', 'oxycodone 5 mg tablet');
    type('#quantity', '40');
    await settle();
    document.body.append(document.createElement('div'));
    await settle(1200);
    expect(bg.evaluations).toHaveLength(1);
    c.refresh();
    await settle();
    expect(bg.evaluations).toHaveLength(2);
  });

  it('reads whether the order is shown again after a page change or at the poll, not on every keystroke', async () => {
    const form = document.querySelector('#rx-form');
    if (!form) throw new Error('no form');
    // Counts the engine's visibility checks of the order form (its own property shadows the prototype's).
    const probe = form as Element & { checkVisibility: (o?: object) => boolean };
    const original = probe.checkVisibility.bind(form);
    let looks = 0;
    probe.checkVisibility = (o?: object) => {
      looks++;
      return original(o);
    };
    runController(demoEhr, document, abort.signal);
    type('#drug', 'oxycodone 5 mg tablet');
    type('#quantity', '40');
    await settle(100);
    expect(prompts()).toHaveLength(1);
    const before = looks;
    expect(before).toBeGreaterThan(0);
    for (const sig of ['1', '1 t', '1 ta', '1 tab', '1 tab q', '1 tab q6', '1 tab q6h']) {
      type('#sig', sig);
      await settle(60);
    }
    expect(bg.evaluations.length).toBeGreaterThan(5);
    expect(looks).toBe(before);
    // A page change: looked at again.
    form.setAttribute('class', 'wide');
    await settle(60);
    expect(looks).toBe(before + 1);
    // The poll (a style sheet may have changed with no DOM change): looked at again.
    await settle(1100);
    expect(looks).toBe(before + 2);
  });

  it('removes the prompt when the drug is cleared, and everything stops on abort', async () => {
    runController(demoEhr, document, abort.signal);
    type('#drug', 'oxycodone 5 mg tablet');
    type('#quantity', '40');
    await settle();
    type('#drug', '');
    await settle();
    expect(prompts()).toHaveLength(0);
    abort.abort();
    type('#drug', 'oxycodone 5 mg tablet');
    await settle(1500);
    expect(bg.evaluations).toHaveLength(1);
  });

  it('records a dismissal through the background and keeps showing it after a refresh', async () => {
    const c = runController(demoEhr, document, abort.signal);
    type('#drug', 'oxycodone 5 mg tablet');
    type('#quantity', '40');
    await settle();
    const root = document.querySelector('pmp-check-prompt')?.shadowRoot;
    [...(root?.querySelectorAll('button') ?? [])].find((b) => b.textContent === 'Dismiss…')?.click();
    const radio = root?.querySelector<HTMLInputElement>('input[value="not-prescribing"]');
    if (radio) radio.checked = true;
    root?.querySelector<HTMLButtonElement>('form button[type=submit]')?.click();
    await settle();
    expect(bg.dismissals).toHaveLength(1);
    expect(bg.dismissals[0]).toMatchObject({ outcome: 'declined', reason: 'Not prescribing this order now', patient: { mrn: 'MRN-100234' } });
    expect(document.querySelector('pmp-check-prompt')?.getAttribute('data-pmp-review')).toBe('dismissed');
    c.refresh(); // the background announces the recorded dismissal as a review change
    await settle();
    expect(document.querySelector('pmp-check-prompt')?.getAttribute('data-pmp-review')).toBe('dismissed');
  });

  it('shows the background\'s refusal of a dismissal inside the prompt', async () => {
    bg.fail.dismiss = 'Only the prescriber can decline the review';
    runController(demoEhr, document, abort.signal);
    type('#drug', 'oxycodone 5 mg tablet');
    type('#quantity', '40');
    await settle();
    const root = document.querySelector('pmp-check-prompt')?.shadowRoot;
    [...(root?.querySelectorAll('button') ?? [])].find((b) => b.textContent === 'Dismiss…')?.click();
    const radio = root?.querySelector<HTMLInputElement>('input[value="not-prescribing"]');
    if (radio) radio.checked = true;
    root?.querySelector<HTMLButtonElement>('form button[type=submit]')?.click();
    await settle();
    expect(root?.querySelector('[role="alert"]')?.textContent).toBe('Only the prescriber can decline the review');
    expect(document.querySelector('pmp-check-prompt')?.getAttribute('data-pmp-review')).toBe('due');
  });

  it('says nothing and warns (without PHI) when the background cannot be reached', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { fakeBrowser } = await import('wxt/testing/fake-browser');
    fakeBrowser.runtime.onMessage.removeAllListeners();
    runController(demoEhr, document, abort.signal);
    type('#drug', 'oxycodone 5 mg tablet');
    type('#quantity', '40');
    await settle();
    expect(prompts().every((p) => !p.getAttribute('data-pmp-review'))).toBe(true);
    expect(warn).toHaveBeenCalled();
    expect(JSON.stringify(warn.mock.calls)).not.toMatch(/Testwell|Morgan|MRN-100234|1961/);
  });
});

/** An adapter over a hand-made page, to drive the controller's rules directly. */
function pageAdapter(over: Partial<EhrAdapter> = {}): EhrAdapter {
  return {
    id: 'test',
    label: 'test',
    matches: () => true,
    findOrders: (doc) =>
      [...doc.querySelectorAll('form.order')].map(
        (f): CandidateOrder => ({
          anchor: f,
          confidence: Number(f.getAttribute('data-confidence') ?? '1'),
          stage: 'draft',
          fields: {},
          order: { drugText: f.getAttribute('data-drug') ?? '', quantity: Number(f.getAttribute('data-qty') ?? '40') },
          ...(f.getAttribute('data-for') ? { patientHint: { name: f.getAttribute('data-for') ?? '' } } : {}),
        }),
      ),
    findPatient: (doc, near) => {
      const scope = near?.closest('[data-patient]') ?? doc.querySelector('[data-patient]');
      const name = scope?.getAttribute('data-patient');
      if (!name) return null;
      const [given = '', family = ''] = name.split(' ');
      return { name, given, family, birthDate: scope?.getAttribute('data-dob') ?? '1961-04-09' };
    },
    ...over,
  };
}

describe('the controller\'s rules', () => {
  it('prompts once per order, each beside its own order', async () => {
    document.body.innerHTML =
      '<div data-patient="Morgan Testwell"><form class="order" data-drug="oxycodone 5 mg" id="a"></form><form class="order" data-drug="alprazolam 1 mg" id="b"></form></div>';
    runController(pageAdapter(), document, abort.signal);
    await settle();
    expect(bg.evaluations.map((e) => e.order.drugText).sort()).toEqual(['alprazolam 1 mg', 'oxycodone 5 mg']);
    expect(prompts().map((p) => p.previousElementSibling?.id).sort()).toEqual(['a', 'b']);
  });

  it('stays silent below the confidence threshold', async () => {
    document.body.innerHTML = '<div data-patient="Morgan Testwell"><form class="order" data-drug="oxycodone 5 mg" data-confidence="0.55"></form></div>';
    runController(pageAdapter(), document, abort.signal);
    await settle();
    expect(bg.evaluations).toHaveLength(0);
  });

  it('treats more orders than anyone writes at once as a list, and stays silent', async () => {
    document.body.innerHTML = `<div data-patient="Morgan Testwell">${'<form class="order" data-drug="oxycodone 5 mg"></form>'.repeat(7)}</div>`;
    runController(pageAdapter(), document, abort.signal);
    await settle();
    expect(bg.evaluations).toHaveLength(0);
  });

  it('ignores an order in a hidden tab, and prompts once the tab is shown', async () => {
    document.body.innerHTML = '<div data-patient="Morgan Testwell"><section id="tab" hidden><form class="order" data-drug="oxycodone 5 mg"></form></section></div>';
    runController(pageAdapter(), document, abort.signal);
    await settle();
    expect(bg.evaluations).toHaveLength(0);
    document.querySelector('#tab')?.removeAttribute('hidden');
    await settle();
    expect(bg.evaluations).toHaveLength(1);
    expect(prompts()).toHaveLength(1);
  });

  it('never mixes patients: a form naming another patient than the banner stays silent', async () => {
    document.body.innerHTML = '<div data-patient="Morgan Testwell"><form class="order" data-drug="oxycodone 5 mg" data-for="Mockford, Riley"></form></div>';
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    runController(pageAdapter(), document, abort.signal);
    await settle();
    expect(bg.evaluations).toHaveLength(0);
    expect(warn.mock.calls.flat().join(' ')).toContain('names another patient');
    expect(JSON.stringify(warn.mock.calls)).not.toMatch(/Mockford|Riley|Testwell/);
  });

  it('stays silent when no patient can be found', async () => {
    document.body.innerHTML = '<form class="order" data-drug="oxycodone 5 mg"></form>';
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    runController(pageAdapter(), document, abort.signal);
    await settle();
    expect(bg.evaluations).toHaveLength(0);
  });

  it('never throws into the page when an adapter fails', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    runController(pageAdapter({ findOrders: () => { throw new TypeError('boom'); } }), document, abort.signal);
    await settle();
    expect(warn).toHaveBeenCalledWith('PMP Check: could not read this page (TypeError)');
  });
});

describe('frames: the banner above, the form inside', () => {
  function childFrame(html: string): { doc: Document; frame: HTMLIFrameElement } {
    (window as unknown as { happyDOM: { settings: { enableIframePageLoading: boolean } } }).happyDOM.settings.enableIframePageLoading = true;
    const frame = document.createElement('iframe');
    document.body.append(frame);
    const doc = document.implementation.createHTMLDocument('child');
    doc.body.innerHTML = html;
    return { doc, frame };
  }

  it('reads the patient from the top frame for a form in a child frame', async () => {
    document.body.innerHTML = '<header data-patient="Morgan Testwell"></header>';
    const { doc, frame } = childFrame('<form class="order" data-drug="oxycodone 5 mg"></form>');
    runController(pageAdapter(), doc, abort.signal, { frame: { doc, ancestors: [{ doc: document, frame }] } });
    await settle();
    expect(bg.evaluations[0]?.patient.name).toBe('Morgan Testwell');
    expect(prompts(doc)).toHaveLength(1);
  });

  it('stays silent while its frame is hidden (a background tab)', async () => {
    document.body.innerHTML = '<header data-patient="Morgan Testwell"></header>';
    const { doc, frame } = childFrame('<form class="order" data-drug="oxycodone 5 mg"></form>');
    frame.style.display = 'none';
    runController(pageAdapter(), doc, abort.signal, { frame: { doc, ancestors: [{ doc: document, frame }] } });
    await settle();
    expect(bg.evaluations).toHaveLength(0);
  });

  it('goes silent when the banner above switches to another patient (a stale tab), until reloaded', async () => {
    document.body.innerHTML = '<header data-patient="Riley Mockford" data-dob="1975-02-14"></header>';
    const { doc, frame } = childFrame('<form class="order" data-drug="alprazolam 0.5 mg"></form>');
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    runController(pageAdapter(), doc, abort.signal, { frame: { doc, ancestors: [{ doc: document, frame }] } });
    await settle();
    expect(bg.evaluations.map((e) => e.patient.name)).toEqual(['Riley Mockford']);
    expect(prompts(doc)).toHaveLength(1);
    document.querySelector('header')?.setAttribute('data-patient', 'Morgan Testwell');
    document.querySelector('header')?.setAttribute('data-dob', '1961-04-09');
    doc.querySelector('form')?.setAttribute('data-qty', '60');
    await settle(1200);
    expect(bg.evaluations.map((e) => e.patient.name)).toEqual(['Riley Mockford']);
    expect(prompts(doc)).toHaveLength(0);
  });

  it('pins the patient shown when the frame loaded, even before any order is typed', async () => {
    document.body.innerHTML = '<header data-patient="Riley Mockford" data-dob="1975-02-14"></header>';
    const { doc, frame } = childFrame('<div id="slot"></div>');
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    runController(pageAdapter(), doc, abort.signal, { frame: { doc, ancestors: [{ doc: document, frame }] } });
    await settle();
    document.querySelector('header')?.setAttribute('data-patient', 'Morgan Testwell');
    const slot = doc.querySelector('#slot');
    if (slot) slot.innerHTML = '<form class="order" data-drug="oxycodone 5 mg"></form>';
    await settle(1200);
    expect(bg.evaluations).toHaveLength(0);
  });
});

describe("the prescriber acknowledges a delegate's review from the prompt", () => {
  const at = new Date().toISOString();
  function reviewed(order: Order, ack?: { at: string; by: string }): Decision {
    return {
      ...fakeDecision(order),
      status: 'reviewed',
      lastReview: { at, outcome: 'reviewed', ruleIds: ['ct-72h-supply'], reviewerName: 'Sam Nurse', reviewerRole: 'delegate', id: 'rev-7', ...(ack ? { acknowledgedAt: ack.at, acknowledgedBy: ack.by } : {}) },
    };
  }
  let acked: { at: string; by: string } | undefined;
  beforeEach(() => {
    acked = undefined;
    // This block's background: the order was reviewed by a delegate (acknowledged once asked).
    fakeBrowser.runtime.onMessage.removeAllListeners();
    bg = fakeBackground((order) => reviewed(order, acked));
    bg.state.viewer = { role: 'prescriber', name: 'Dr. Avery Quill' };
    bg.state.acknowledged = (order) => {
      acked = { at: new Date().toISOString(), by: 'Dr. Avery Quill' };
      return reviewed(order, acked);
    };
  });

  const root = () => document.querySelector('pmp-check-prompt')?.shadowRoot;
  const ackButton = () => [...(root()?.querySelectorAll('button') ?? [])].find((b) => b.textContent === 'Acknowledge');

  it('one click sends "acknowledge" for this patient and order, then shows it acknowledged; a refresh keeps it so', async () => {
    const c = runController(demoEhr, document, abort.signal);
    type('#drug', 'oxycodone 5 mg tablet');
    type('#quantity', '40');
    await settle();
    expect(root()?.textContent).toMatch(/Reviewed ✓ .* by Sam Nurse \(delegate\)/);
    ackButton()?.click();
    await settle();
    expect(bg.acknowledgements).toHaveLength(1);
    expect(bg.acknowledgements[0]).toMatchObject({ patient: { mrn: 'MRN-100234', family: 'Testwell' }, order: { drugText: 'oxycodone 5 mg tablet', quantity: 40 }, reviewId: 'rev-7' });
    expect(root()?.textContent).toMatch(/Acknowledged ✓ by you at \d{1,2}:\d{2}/);
    expect(ackButton()).toBeUndefined();
    c.refresh(); // the background announces the acknowledgement as a review change
    await settle();
    expect(root()?.textContent).toMatch(/Acknowledged ✓ by you at/);
    expect(ackButton()).toBeUndefined();
    expect(bg.acknowledgements).toHaveLength(1);
  });

  it('a delegate viewing the same order gets no button', async () => {
    bg.state.viewer = { role: 'delegate', name: 'Sam Nurse' };
    runController(demoEhr, document, abort.signal);
    type('#drug', 'oxycodone 5 mg tablet');
    type('#quantity', '40');
    await settle();
    expect(root()?.textContent).toMatch(/by Sam Nurse \(delegate\)/);
    expect(ackButton()).toBeUndefined();
    expect(root()?.textContent).toContain("Awaiting the prescriber's acknowledgement");
  });

  it('shows the background\'s refusal in the prompt and keeps the button for another try', async () => {
    bg.fail.acknowledge = "Only a prescriber acknowledges a delegate's review";
    runController(demoEhr, document, abort.signal);
    type('#drug', 'oxycodone 5 mg tablet');
    type('#quantity', '40');
    await settle();
    ackButton()?.click();
    await settle();
    expect(root()?.querySelector('.actions [role="alert"]')?.textContent).toBe("Only a prescriber acknowledges a delegate's review");
    expect(ackButton()?.disabled).toBe(false);
    delete bg.fail.acknowledge;
    ackButton()?.click();
    await settle();
    expect(bg.acknowledgements).toHaveLength(2);
    expect(root()?.textContent).toContain('Acknowledged ✓ by you');
  });
});

describe("the EHR's signed-in user goes with the order to the side panel", () => {
  it('reads the demo EHR\'s "Signed in as" and sends it with "Review PMP"', async () => {
    runController(demoEhr, document, abort.signal);
    type('#drug', 'oxycodone 5 mg tablet');
    type('#quantity', '40');
    await settle();
    [...(document.querySelector('pmp-check-prompt')?.shadowRoot?.querySelectorAll('button') ?? [])].find((b) => b.textContent === 'Review PMP')?.click();
    await settle();
    expect(bg.panels).toHaveLength(1);
    expect(bg.panels[0]).toMatchObject({ ehrUser: 'Dr. Avery Quill', patient: { mrn: 'MRN-100234' }, order: { quantity: 40 } });
  });

  it('sends no user when the page shows none', async () => {
    document.querySelector('#ehr-user')?.remove();
    runController(demoEhr, document, abort.signal);
    type('#drug', 'oxycodone 5 mg tablet');
    type('#quantity', '40');
    await settle();
    [...(document.querySelector('pmp-check-prompt')?.shadowRoot?.querySelectorAll('button') ?? [])].find((b) => b.textContent === 'Review PMP')?.click();
    await settle();
    expect(bg.panels).toHaveLength(1);
    expect(bg.panels[0]).not.toHaveProperty('ehrUser');
  });

  it('looks in the frames above for the user (OpenEMR shows them in the top frame), and survives a failing read', () => {
    document.body.innerHTML = '<nav><b class="who">Avery Quill</b></nav>';
    const child = document.implementation.createHTMLDocument('child');
    const adapter = pageAdapter({ findUser: (doc) => doc.querySelector('.who')?.textContent ?? null });
    expect(findUserFor(adapter, { doc: child, ancestors: [{ doc: document, frame: null }] })).toBe('Avery Quill');
    expect(findUserFor(adapter, { doc: child, ancestors: [] })).toBeUndefined();
    expect(findUserFor(pageAdapter(), { doc: document, ancestors: [] })).toBeUndefined();
    const throwing = pageAdapter({ findUser: () => { throw new Error('navigated away'); } });
    expect(findUserFor(throwing, { doc: child, ancestors: [{ doc: document, frame: null }] })).toBeUndefined();
  });
});
