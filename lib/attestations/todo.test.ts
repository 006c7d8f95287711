import { describe, expect, it } from 'vitest';
import { CT_PACK } from '../rules/packs/ct';
import type { Attestation, AttestationDraft } from './schema';
import { chainOf, delegateDraft, draft } from './test-helpers';
import { reviewsToDo } from './todo';

const NOW = new Date('2026-11-22T15:00:00Z');
const P = (key: string, mrn: string) => ({ patient: { key, mrn, initials: 'MT', birthDate: '1961-04-09' } });

async function log(items: [string, Partial<AttestationDraft>][]): Promise<Attestation[]> {
  const rs = await chainOf(items.length, { over: (i) => items[i]?.[1] ?? {} });
  return rs.map((r, i) => ({ ...r, createdAt: items[i]?.[0] ?? r.createdAt }));
}

describe('reviewsToDo', () => {
  it.each<[string, [string, Partial<AttestationDraft>][], number, { kind: string; ruleId: string; dueAt: string; status: string }[]]>([
    ['a 90-day review coming due within the horizon', [['2026-08-30T10:00:00.000Z', draft({ ...P('a', 'A'), ruleIds: ['ct-90-day-continuous'] })]], 14, [{ kind: 'periodic', ruleId: 'ct-90-day-continuous', dueAt: '2026-11-28T10:00:00.000Z', status: 'due-soon' }]],
    ['a 90-day review already overdue', [['2026-07-01T10:00:00.000Z', draft({ ...P('a', 'A'), ruleIds: ['ct-90-day-continuous'] })]], 14, [{ kind: 'periodic', ruleId: 'ct-90-day-continuous', dueAt: '2026-09-29T10:00:00.000Z', status: 'overdue' }]],
    ['a 90-day review far away', [['2026-11-01T10:00:00.000Z', draft({ ...P('a', 'A'), ruleIds: ['ct-90-day-continuous'] })]], 14, []],
    ['an annual Schedule V review', [['2025-12-01T10:00:00.000Z', draft({ ...P('a', 'A'), ruleIds: ['ct-annual-schedule-v'] })]], 14, [{ kind: 'periodic', ruleId: 'ct-annual-schedule-v', dueAt: '2026-12-01T10:00:00.000Z', status: 'due-soon' }]],
    ['only the 72-hour rule: nothing recurring', [['2026-01-01T10:00:00.000Z', draft(P('a', 'A'))]], 365, []],
    ['a follow-up after PMP downtime', [['2026-11-22T10:00:00.000Z', draft({ ...P('a', 'A'), outcome: 'pmp-unavailable', followUpDueAt: '2026-11-23T10:00:00.000Z' })]], 1, [{ kind: 'follow-up', ruleId: 'ct-72h-supply', dueAt: '2026-11-23T10:00:00.000Z', status: 'due-soon' }]],
    ['a follow-up already done', [
      ['2026-11-21T10:00:00.000Z', draft({ ...P('a', 'A'), outcome: 'pmp-unavailable', followUpDueAt: '2026-11-22T10:00:00.000Z' })],
      ['2026-11-21T20:00:00.000Z', draft(P('a', 'A'))],
    ], 14, []],
    ['a newer review resets the 90 days; a delegate review counts', [
      ['2026-07-01T10:00:00.000Z', draft({ ...P('a', 'A'), ruleIds: ['ct-90-day-continuous'] })],
      ['2026-11-01T10:00:00.000Z', delegateDraft(P('a', 'A'))],
    ], 14, []],
    ['an acknowledgement is not a review', [
      ['2026-07-01T10:00:00.000Z', draft({ ...P('a', 'A'), ruleIds: ['ct-90-day-continuous'] })],
      ['2026-11-01T10:00:00.000Z', draft({ ...P('a', 'A'), outcome: 'acknowledged', acknowledges: { id: 'x', seq: 1, hash: 'a'.repeat(64), reviewerName: 'S', reviewedAt: '2026-07-01T10:00:00.000Z' } })],
    ], 14, [{ kind: 'periodic', ruleId: 'ct-90-day-continuous', dueAt: '2026-09-29T10:00:00.000Z', status: 'overdue' }]],
  ])('%s', async (_name, items, horizon, expected) => {
    const out = reviewsToDo(await log(items), CT_PACK, NOW, horizon);
    expect(out.map(({ kind, ruleId, dueAt, status }) => ({ kind, ruleId, dueAt, status }))).toEqual(expected);
  });

  it('lists patients soonest first with who to find them by, never a name', async () => {
    const out = reviewsToDo(
      await log([
        ['2026-08-30T10:00:00.000Z', draft({ ...P('b', 'MRN-B'), ruleIds: ['ct-90-day-continuous'], prescriber: { name: 'Dr. Rowan Vale' } })],
        ['2026-08-25T10:00:00.000Z', draft({ ...P('a', 'MRN-A'), ruleIds: ['ct-90-day-continuous'] })],
      ]),
      CT_PACK,
      NOW,
      30,
    );
    expect(out.map((i) => [i.patient.mrn, i.prescriber, i.status])).toEqual([
      ['MRN-A', 'Dr. Avery Quill', 'due-soon'],
      ['MRN-B', 'Dr. Rowan Vale', 'due-soon'],
    ]);
    expect(out[0]).toMatchObject({ patient: { mrn: 'MRN-A', initials: 'MT', birthDate: '1961-04-09' }, lastReviewer: 'Dr. Avery Quill', ehrOrigin: 'http://127.0.0.1:47811' });
  });
});
