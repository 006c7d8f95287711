import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { orderPage } from '../../server/demo-ehr/pages';
import type { SyntheticPatient } from '../pmp/synthetic';
import type { Decision } from '../rules/decision';
import { demoEhr } from './adapters/demo-ehr';
import { runController } from './controller';

const patient = { id: 'demo-chronic', given: 'Morgan', family: 'Testwell', birthDate: '1961-04-09', gender: 'female', postalCode: '06103', mrn: 'MRN-100234', scenario: 'chronic-opioid', fills: [] } as unknown as SyntheticPatient;

function decisionFor(quantity: number | undefined): Decision {
  const due = (quantity ?? 0) > 12;
  return {
    status: due ? 'due' : 'not-required',
    ruleIds: due ? ['ct-72h-supply'] : [],
    headline: due ? 'PMP review required — more than a 72-hour supply of a Schedule II drug (CT)' : 'No PMP review required for this order (CT)',
    reasons: [],
    notes: [],
    drug: { controlled: true, schedule: 'CII', opioid: true, benzodiazepine: false },
    supply: { daysSupply: (quantity ?? 0) / 4, min: null, max: null, dosesPerDay: 4, dosesPerDayMin: 4, dosesPerDayMax: 4, source: 'computed', uncertain: false, explanation: '' },
    state: 'CT',
    packVersion: 't',
  };
}

let evaluations: { order: { quantity?: number }; patient: { mrn?: string } }[] = [];
let abort: AbortController;

beforeEach(() => {
  vi.useFakeTimers({ shouldAdvanceTime: true });
  document.documentElement.innerHTML = new DOMParser().parseFromString(orderPage(patient), 'text/html').documentElement.innerHTML;
  evaluations = [];
  // Stands in for the background: answers "evaluate" the way the real handler's envelope does.
  fakeBrowser.runtime.onMessage.addListener(((msg: { type: string; data: { order: { quantity?: number }; patient: { mrn?: string } } }, _s: unknown, reply: (r: unknown) => void) => {
    if (msg.type !== 'evaluate') return undefined;
    evaluations.push(msg.data);
    reply({ ok: true, value: { decision: decisionFor(msg.data.order.quantity) } });
    return true;
  }) as never);
  abort = new AbortController();
});
afterEach(() => {
  abort.abort();
  vi.useRealTimers();
});

function type(sel: string, value: string): void {
  const el = document.querySelector<HTMLInputElement>(sel);
  if (!el) throw new Error(sel);
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

async function settle(): Promise<void> {
  await vi.advanceTimersByTimeAsync(400);
}

describe('content controller on the demo EHR', () => {
  it('asks nothing while no drug is entered', async () => {
    runController(demoEhr, document, abort.signal);
    await settle();
    expect(evaluations).toHaveLength(0);
    expect(document.querySelector('pmp-check-prompt')).toBeNull();
  });

  it('debounces typing into one evaluation and puts the prompt right after the form', async () => {
    runController(demoEhr, document, abort.signal);
    type('#drug', 'oxycodone 5 mg tablet');
    type('#quantity', '4');
    type('#quantity', '40');
    type('#sig', '1 tab q6h prn');
    await settle();
    expect(evaluations).toHaveLength(1);
    expect(evaluations[0]?.patient.mrn).toBe('MRN-100234');
    const host = document.querySelector('pmp-check-prompt');
    expect(host?.getAttribute('data-pmp-review')).toBe('due');
    expect(host?.previousElementSibling?.id).toBe('rx-form');
  });

  it('notices a value set by script with no event and no mutation (the slow poll)', async () => {
    runController(demoEhr, document, abort.signal);
    type('#drug', 'oxycodone 5 mg tablet');
    await settle();
    const q = document.querySelector<HTMLInputElement>('#quantity');
    if (!q) throw new Error('no quantity');
    q.value = '40'; // no event, no attribute: only the poll can see it
    await vi.advanceTimersByTimeAsync(1100);
    expect(document.querySelector('pmp-check-prompt')?.getAttribute('data-pmp-review')).toBe('due');
  });

  it('does not re-ask when nothing changed, and re-asks on refresh()', async () => {
    const c = runController(demoEhr, document, abort.signal);
    type('#drug', 'oxycodone 5 mg tablet');
    type('#quantity', '40');
    await settle();
    document.body.append(document.createElement('div'));
    await settle();
    expect(evaluations).toHaveLength(1);
    c.refresh();
    await settle();
    expect(evaluations).toHaveLength(2);
  });

  it('removes the prompt when the drug is cleared, and everything stops on abort', async () => {
    runController(demoEhr, document, abort.signal);
    type('#drug', 'oxycodone 5 mg tablet');
    type('#quantity', '40');
    await settle();
    type('#drug', '');
    await settle();
    expect(document.querySelector('pmp-check-prompt')).toBeNull();
    abort.abort();
    type('#drug', 'oxycodone 5 mg tablet');
    await settle();
    expect(evaluations).toHaveLength(1);
  });
});
