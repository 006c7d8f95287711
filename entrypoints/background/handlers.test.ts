import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { PmpDatabase } from '@/lib/attestations/db';
import { AttestationRepository } from '@/lib/attestations/repository';
import type { Sender } from '@/lib/messaging/client';
import type { Handlers } from '@/lib/messaging/server';
import type { MessageType, PagePatient, RequestOf, ResponseOf } from '@/lib/messaging/protocol';
import { saveSettings } from '@/lib/storage/settings';
import { createHandlers, toReviewEvents } from './handlers';

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

  it('tells the prompt who is looking (a prescriber or a delegate), and nobody before they said who they are', async () => {
    expect((await call('evaluate', { patient, order }, TAB)).viewer).toEqual({ role: 'prescriber', name: 'Dr. Avery Quill' });
    await saveSettings({ identity: { userId: 'u2', name: 'Sam Nurse', role: 'delegate' } });
    expect((await call('evaluate', { patient, order }, TAB)).viewer).toEqual({ role: 'delegate', name: 'Sam Nurse' });
    await saveSettings({ identity: null });
    expect((await call('evaluate', { patient, order }, TAB)).viewer).toBeUndefined();
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

describe('attestation outcomes, delegates and acknowledgements', () => {
  const DELEGATE = { userId: 'u2', name: 'Sam Nurse', role: 'delegate' as const };
  const PRESCRIBER = { userId: 'u1', name: 'Dr. Avery Quill', role: 'prescriber' as const, npi: '1234567893', dea: 'AQ1234563' };
  const SUPERVISING = [{ name: 'Dr. Avery Quill', npi: '1234567893', dea: 'AQ1234563' }, { name: 'Dr. Rowan Vale' }];

  async function open(p: PagePatient = patient): Promise<void> {
    const { decision } = await call('evaluate', { patient: p, order }, TAB);
    await call('openPanel', { patient: p, order, decision }, TAB);
  }
  async function delegateReviews(p: PagePatient = patient): Promise<void> {
    await saveSettings({ identity: DELEGATE, supervisingPrescribers: SUPERVISING });
    await open(p);
    await call('attest', { tabId: 11, outcome: 'reviewed', prescriberName: 'Dr. Avery Quill' }, PANEL);
    await saveSettings({ identity: PRESCRIBER });
  }

  it('a prescriber declines with a reason; the order stays due', async () => {
    await saveSettings({ identity: PRESCRIBER });
    await open();
    await expect(call('attest', { tabId: 11, outcome: 'declined', reason: ' ' }, PANEL)).rejects.toThrow(/Say why/);
    const r = await call('attest', { tabId: 11, outcome: 'declined', reason: 'Order cancelled before signing' }, PANEL);
    expect(r.decision.status).toBe('due');
    const [rec] = await db.attestations.toArray();
    expect(rec).toMatchObject({ outcome: 'declined', reason: 'Order cancelled before signing', reviewer: { dea: 'AQ1234563' }, prescriber: { dea: 'AQ1234563' } });
  });

  it('a delegate cannot decline for the prescriber', async () => {
    await saveSettings({ identity: DELEGATE, supervisingPrescribers: SUPERVISING });
    await open();
    await expect(call('attest', { tabId: 11, outcome: 'declined', reason: 'no', prescriberName: 'Dr. Avery Quill' }, PANEL)).rejects.toThrow(/Only the prescriber/);
    expect(await db.attestations.count()).toBe(0);
  });

  it('Connecticut has no exemption but the PMP being down: an exemption is refused with that explanation', async () => {
    await open();
    await expect(call('attest', { tabId: 11, outcome: 'exempted', exemptionId: 'hospice' }, PANEL)).rejects.toThrow(/Connecticut allows no exemption other than the PMP being unavailable/);
    expect(await db.attestations.count()).toBe(0);
  });

  it.each([
    ['no supervising prescribers set', [], 'Dr. Avery Quill', /Add the prescribers you review for/],
    ['none chosen', SUPERVISING, undefined, /Choose the prescriber/],
    ['one not in the list', SUPERVISING, 'Dr. Somebody Else', /not one of your supervising prescribers/],
  ])('a delegate with %s cannot record', async (_n, list, prescriberName, message) => {
    await saveSettings({ identity: DELEGATE, supervisingPrescribers: list });
    await open();
    await expect(call('attest', { tabId: 11, outcome: 'reviewed', ...(prescriberName ? { prescriberName } : {}) }, PANEL)).rejects.toThrow(message);
    expect(await db.attestations.count()).toBe(0);
  });

  it("a delegate's pick matches the list loosely (\"avery quill\") and records the prescriber's NPI and DEA", async () => {
    await saveSettings({ identity: DELEGATE, supervisingPrescribers: SUPERVISING });
    await open();
    await call('attest', { tabId: 11, outcome: 'reviewed', prescriberName: 'avery quill' }, PANEL);
    const [rec] = await db.attestations.toArray();
    expect(rec?.prescriber).toEqual({ name: 'Dr. Avery Quill', npi: '1234567893', dea: 'AQ1234563' });
    expect(rec?.reviewer).toEqual({ userId: 'u2', name: 'Sam Nurse', role: 'delegate' });
  });

  it.each([
    ['mrn-initials-dob', { mrn: 'MRN-100234', initials: 'MT', birthDate: '1961-04-09' }],
    ['mrn', { mrn: 'MRN-100234' }],
  ] as const)('the patient-identifier setting %s decides what is kept', async (which, kept) => {
    await saveSettings({ patientIdentifiers: which });
    await open();
    await call('attest', { tabId: 11, outcome: 'reviewed' }, PANEL);
    const [rec] = await db.attestations.toArray();
    expect(rec?.patient).toEqual({ key: 'http://127.0.0.1:47811|mrn:MRN-100234', ...kept });
  });

  it('a patient without an MRN: the name never reaches the log, and the review is still found', async () => {
    const noMrn = { name: 'Riley Sampleton', given: 'Riley', family: 'Sampleton', birthDate: '1990-02-03' };
    await open(noMrn);
    await call('attest', { tabId: 11, outcome: 'reviewed' }, PANEL);
    expect(JSON.stringify(await db.attestations.toArray())).not.toMatch(/Sampleton|Riley/);
    expect((await call('evaluate', { patient: noMrn, order }, TAB)).decision.status).toBe('reviewed');
  });

  it('the prescriber sees the delegate review on the decision and acknowledges it with one click, recorded once', async () => {
    await delegateReviews();
    const before = (await call('evaluate', { patient, order }, TAB)).decision;
    expect(before.status).toBe('reviewed');
    expect(before.lastReview).toMatchObject({ reviewerName: 'Sam Nurse', reviewerRole: 'delegate', id: expect.any(String) as unknown });
    expect(before.lastReview?.acknowledgedAt).toBeUndefined();

    now = new Date(now.getTime() + 2 * 3_600_000);
    const ack = await call('acknowledge', { patient, order }, TAB);
    expect(ack).toMatchObject({ seq: 2, alreadyAcknowledged: false });
    expect(ack.decision.lastReview).toMatchObject({ reviewerName: 'Sam Nurse', acknowledgedBy: 'Dr. Avery Quill', acknowledgedAt: now.toISOString() });
    const [review, record] = await db.attestations.toArray();
    expect(record).toMatchObject({
      outcome: 'acknowledged',
      reviewer: { name: 'Dr. Avery Quill', role: 'prescriber' },
      prescriber: { name: 'Dr. Avery Quill' },
      patient: review?.patient,
      acknowledges: { id: review?.id, seq: 1, hash: review?.hash, reviewerName: 'Sam Nurse', reviewedAt: review?.createdAt },
    });
    expect(fakeBrowser.tabs.sendMessage).toHaveBeenCalledWith(11, expect.objectContaining({ type: 'reviewChanged' }));

    // A second click records nothing new.
    const again = await call('acknowledge', { patient, order, reviewId: review?.id }, TAB);
    expect(again).toMatchObject({ seq: 2, alreadyAcknowledged: true });
    expect(await db.attestations.count()).toBe(2);
  });

  it('an acknowledgement is not a review: it neither counts twice nor extends the 24 hours', async () => {
    await delegateReviews();
    now = new Date(now.getTime() + 23 * 3_600_000);
    await call('acknowledge', { patient, order }, TAB);
    expect((await call('evaluate', { patient, order }, TAB)).decision.status).toBe('reviewed');
    now = new Date(now.getTime() + 2 * 3_600_000);
    const d = (await call('evaluate', { patient, order }, TAB)).decision;
    expect(d.status).toBe('due');
  });

  it('acknowledging from the side panel (by tab) works the same', async () => {
    await delegateReviews();
    await expect(call('acknowledge', { tabId: 11 }, PANEL)).resolves.toMatchObject({ alreadyAcknowledged: false });
  });

  it.each([
    ['a delegate', async () => { await saveSettings({ identity: { userId: 'u2', name: 'Sam Nurse', role: 'delegate' } }); }, /Only a prescriber/],
    ['nobody set up', async () => { await saveSettings({ identity: null }); }, /Say who you are/],
  ])('%s cannot acknowledge', async (_n, setup, message) => {
    await delegateReviews();
    await setup();
    await expect(call('acknowledge', { patient, order }, TAB)).rejects.toThrow(message);
    expect(await db.attestations.count()).toBe(1);
  });

  it("refuses to acknowledge when there is no delegate review, or the named one is not a delegate's", async () => {
    await saveSettings({ identity: PRESCRIBER });
    await open();
    await call('attest', { tabId: 11, outcome: 'reviewed' }, PANEL);
    await expect(call('acknowledge', { patient, order }, TAB)).rejects.toThrow(/No delegate review of this patient/);
    const [own] = await db.attestations.toArray();
    await expect(call('acknowledge', { patient, order, reviewId: own?.id }, TAB)).rejects.toThrow(/not a delegate review/);
    await expect(call('acknowledge', { tabId: 99 }, PANEL)).rejects.toThrow(/no longer open/);
  });

  it('reviews to do: a "PMP unavailable" record puts the patient on the list with the follow-up due', async () => {
    await open();
    await call('attest', { tabId: 11, outcome: 'pmp-unavailable', pmpError: 'unreachable' }, PANEL);
    const { items } = await call('reviewsToDo', { horizonDays: 14 }, PANEL);
    expect(items).toEqual([
      expect.objectContaining({ kind: 'follow-up', patient: { mrn: 'MRN-100234', initials: 'MT', birthDate: '1961-04-09' }, dueAt: '2026-11-23T15:00:00.000Z', status: 'due-soon', prescriber: 'Dr. Avery Quill' }),
    ]);
    await call('attest', { tabId: 11, outcome: 'reviewed' }, PANEL);
    expect((await call('reviewsToDo', { horizonDays: 14 }, PANEL)).items).toEqual([]);
  });
});

describe('worker start', () => {
  it('writes attestations a stopped worker left queued', async () => {
    const { draft } = await import('@/lib/attestations/test-helpers');
    await db.outbox.add({ entries: [{ id: '00000000-0000-4000-8000-0000000000aa', createdAt: '2026-11-22T14:00:00.000Z', draft: draft() }] });
    createHandlers({ repo: new AttestationRepository(db, () => now), now: () => now });
    await vi.waitFor(async () => {
      expect(await db.attestations.count()).toBe(1);
    });
    expect(await db.outbox.count()).toBe(0);
  });
});

describe('toReviewEvents', () => {
  it('drops acknowledgements and marks the review they acknowledge', async () => {
    const { chainOf, delegateDraft, draft } = await import('@/lib/attestations/test-helpers');
    const [review] = await chainOf(1, { over: () => delegateDraft() });
    if (!review) throw new Error('no record');
    const [ack] = await chainOf(1, {
      from: { seq: 1, hash: review.hash },
      start: '2026-01-01T15:00:00Z',
      over: () => draft({ outcome: 'acknowledged', acknowledges: { id: review.id, seq: 1, hash: review.hash, reviewerName: 'Sam Nurse', reviewedAt: review.createdAt } }),
    });
    if (!ack) throw new Error('no record');
    const events = toReviewEvents([
      { chainId: 'c', own: true, record: review },
      { chainId: 'c', own: true, record: ack },
    ]);
    expect(events).toEqual([
      { at: review.createdAt, outcome: 'reviewed', ruleIds: ['ct-72h-supply'], reviewerName: 'Sam Nurse', reviewerRole: 'delegate', id: review.id, acknowledgedAt: ack.createdAt, acknowledgedBy: 'Dr. Avery Quill' },
    ]);
  });
});
