import { describe, expect, it, vi } from 'vitest';
import type { ReviewToDo } from '@/lib/attestations/todo';
import { DEFAULT_SETTINGS, type Settings } from '@/lib/storage/settings';
import { interact, render as renderUi, until } from '@/test/react';
import { ReviewsToDo } from './reviews-to-do';

const send = vi.hoisted(() => vi.fn());
vi.mock('@/lib/messaging/client', () => ({ send }));

const item = (prescriber: string, mrn: string, status: ReviewToDo['status']): ReviewToDo => ({
  patientKey: `k-${mrn}`,
  patient: { mrn, initials: 'MT', birthDate: '1961-04-09' },
  prescriber,
  kind: 'periodic',
  ruleId: 'ct-90-day-continuous',
  why: 'a review at least every 90 days (every 90 days)',
  dueAt: '2026-11-28T10:00:00.000Z',
  status,
  lastReviewAt: '2026-08-30T10:00:00.000Z',
  lastReviewer: 'Sam Nurse',
  ehrOrigin: 'http://127.0.0.1:47811',
});

let container: HTMLDivElement;
async function render(settings: Settings): Promise<void> {
  ({ container } = await renderUi(<ReviewsToDo settings={settings} />));
  await until(() => {
    expect(container.textContent).toMatch(/Reviews to do/);
    expect(container.textContent).not.toContain('Loading');
  });
}

const delegate: Settings = { ...DEFAULT_SETTINGS, identity: { userId: 'u2', name: 'Sam Nurse', role: 'delegate' }, supervisingPrescribers: [{ name: 'Dr. Avery Quill' }] };

describe('ReviewsToDo', () => {
  it("a delegate sees their prescribers' patients first, and can widen the list", async () => {
    send.mockResolvedValue({ items: [item('Dr. Avery Quill', 'MRN-1', 'overdue'), item('Dr. Rowan Vale', 'MRN-2', 'due-soon')], generatedAt: '2026-11-22T15:00:00.000Z' });
    await render(delegate);
    expect(send).toHaveBeenCalledWith('reviewsToDo', { horizonDays: 14 });
    const rows = () => [...container.querySelectorAll('[data-testid="todo-row"]')].map((r) => r.textContent);
    expect(rows()).toHaveLength(1);
    expect(rows()[0]).toMatch(/^Overdue .*MRN-1 · MT · 1961-04-09Dr\. Avery Quill/);
    await interact(() => {
      container.querySelector<HTMLInputElement>('input[type="checkbox"]')?.click();
    });
    expect(rows()).toHaveLength(2);
  });

  it('says so when nothing is due', async () => {
    send.mockResolvedValue({ items: [], generatedAt: '2026-11-22T15:00:00.000Z' });
    await render(delegate);
    expect(container.querySelector('[data-testid="todo-empty"]')?.textContent).toBe('No reviews due in the next 14 days.');
  });

  it('shows a clear error when the background cannot answer', async () => {
    send.mockRejectedValue(new Error('Could not reach the extension'));
    await render(delegate);
    expect(container.querySelector('[role="alert"]')?.textContent).toBe('Could not build the list: Could not reach the extension');
  });
});
