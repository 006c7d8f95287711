import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { PmpDatabase } from '@/lib/attestations/db';
import { AttestationRepository } from '@/lib/attestations/repository';
import type { Sender } from '@/lib/messaging/client';
import type { Handlers } from '@/lib/messaging/server';
import type { MessageType, RequestOf, ResponseOf } from '@/lib/messaging/protocol';
import { saveSettings } from '@/lib/storage/settings';
import { createHandlers } from './handlers';

const TAB: Sender = { id: 'test-extension-id', tab: { id: 11 } as Sender['tab'], url: 'http://127.0.0.1:47811/patients/demo-chronic/orders/new' };
const PANEL: Sender = { id: 'test-extension-id', url: 'chrome-extension://test-extension-id/sidepanel.html' };
const patient = { name: 'Morgan Testwell', given: 'Morgan', family: 'Testwell', birthDate: '1961-04-09', mrn: 'MRN-100234' };
const order = { drugText: 'oxycodone 5 mg tablet', quantity: 40, sig: '1 tab PO q6h PRN pain' };

let db: PmpDatabase;
let h: Handlers;
let now = new Date('2026-11-22T15:00:00Z');
let n = 0;

async function call<T extends MessageType>(type: T, data: RequestOf<T>, sender: Sender): Promise<ResponseOf<T>> {
  const fn = h[type] as unknown as (d: RequestOf<T>, s: Sender) => ResponseOf<T> | Promise<ResponseOf<T>>;
  return fn(data, sender);
}

beforeEach(async () => {
  db = new PmpDatabase(`bg-${String(++n)}`);
  now = new Date('2026-11-22T15:00:00Z');
  h = createHandlers({ repo: new AttestationRepository(db, () => now), now: () => now });
  vi.spyOn(fakeBrowser.tabs, 'sendMessage').mockResolvedValue({ ok: true, value: { ok: true } } as never);
  await saveSettings({ identity: { userId: 'u1', name: 'Dr. Avery Quill', role: 'prescriber' } });
});
afterEach(async () => {
  await db.delete();
});

describe('background handlers', () => {
  it('evaluates the demo order as due under the CT 72-hour rule', async () => {
    const { decision } = await call('evaluate', { patient, order }, TAB);
    expect(decision.status).toBe('due');
    expect(decision.ruleIds).toEqual(['ct-72h-supply']);
    expect(decision.headline).toBe('PMP review required — more than a 72-hour supply of a Schedule II drug (CT)');
  });

  it('records a review for the tab\'s patient; the same order is then reviewed, and the tab is told', async () => {
    const { decision } = await call('evaluate', { patient, order }, TAB);
    await call('openPanel', { patient, order, decision }, TAB);
    const ctx = await call('getContext', { tabId: 11 }, PANEL);
    expect(ctx.context?.patient.mrn).toBe('MRN-100234');
    const r = await call('attest', { tabId: 11, outcome: 'reviewed', pmpQueriedAt: now.toISOString() }, PANEL);
    expect(r.seq).toBe(1);
    expect(r.decision.status).toBe('reviewed');
    expect(fakeBrowser.tabs.sendMessage).toHaveBeenCalledWith(11, expect.objectContaining({ type: 'reviewChanged' }));
    const again = await call('evaluate', { patient, order }, TAB);
    expect(again.decision.status).toBe('reviewed');
    const [rec] = await db.attestations.toArray();
    expect(rec).toMatchObject({ outcome: 'reviewed', patient: { mrn: 'MRN-100234', initials: 'MT', birthDate: '1961-04-09' }, order: { schedule: 'CII', daysSupply: 10 }, ruleIds: ['ct-72h-supply'], state: 'CT', ehrOrigin: 'http://127.0.0.1:47811' });
    expect(JSON.stringify(rec)).not.toContain('Testwell');
  });

  it('a review older than 24 hours no longer satisfies a new order', async () => {
    const { decision } = await call('evaluate', { patient, order }, TAB);
    await call('openPanel', { patient, order, decision }, TAB);
    await call('attest', { tabId: 11, outcome: 'reviewed' }, PANEL);
    now = new Date(now.getTime() + 25 * 3_600_000);
    expect((await call('evaluate', { patient, order }, TAB)).decision.status).toBe('due');
  });

  it('records "PMP unavailable" with its follow-up due, and the order shows that state', async () => {
    const { decision } = await call('evaluate', { patient, order }, TAB);
    await call('openPanel', { patient, order, decision }, TAB);
    const r = await call('attest', { tabId: 11, outcome: 'pmp-unavailable', pmpError: 'unreachable' }, PANEL);
    expect(r.decision.status).toBe('pmp-unavailable');
    const [rec] = await db.attestations.toArray();
    expect(rec?.followUpDueAt).toBe('2026-11-23T15:00:00.000Z');
    expect(rec?.pmpError).toBe('unreachable');
  });

  it('refuses to attest without an identity, and stores nothing', async () => {
    await saveSettings({ identity: null });
    const { decision } = await call('evaluate', { patient, order }, TAB);
    await call('openPanel', { patient, order, decision }, TAB);
    await expect(call('attest', { tabId: 11, outcome: 'reviewed' }, PANEL)).rejects.toThrow(/Say who you are/);
    expect(await db.attestations.count()).toBe(0);
  });

  it('refuses to attest for a tab with no open review', async () => {
    await expect(call('attest', { tabId: 99, outcome: 'reviewed' }, PANEL)).rejects.toThrow(/no longer open/);
  });

  it('a delegate must name the prescriber; both are recorded', async () => {
    await saveSettings({ identity: { userId: 'u2', name: 'Sam Nurse', role: 'delegate' }, supervisingPrescribers: [{ name: 'Dr. Avery Quill', npi: '1234567893' }] });
    const { decision } = await call('evaluate', { patient, order }, TAB);
    await call('openPanel', { patient, order, decision }, TAB);
    await expect(call('attest', { tabId: 11, outcome: 'reviewed' }, PANEL)).rejects.toThrow(/Choose the prescriber/);
    await call('attest', { tabId: 11, outcome: 'reviewed', prescriberName: 'Dr. Avery Quill' }, PANEL);
    const [rec] = await db.attestations.toArray();
    expect(rec?.reviewer).toMatchObject({ name: 'Sam Nurse', role: 'delegate' });
    expect(rec?.prescriber).toEqual({ name: 'Dr. Avery Quill', npi: '1234567893' });
  });

  it('an order for another patient on the same EHR is not covered by this review', async () => {
    const { decision } = await call('evaluate', { patient, order }, TAB);
    await call('openPanel', { patient, order, decision }, TAB);
    await call('attest', { tabId: 11, outcome: 'reviewed' }, PANEL);
    const other = { ...patient, given: 'Riley', family: 'Sampleton', mrn: 'MRN-100871' };
    expect((await call('evaluate', { patient: other, order }, TAB)).decision.status).toBe('due');
  });
});
