import { describe, expect, it, vi } from 'vitest';
import type { Decision } from '../rules/decision';
import { createPrompt } from './prompt';

function decision(over: Partial<Decision>): Decision {
  return {
    status: 'due',
    ruleIds: ['ct-72h-supply'],
    headline: 'PMP review required — more than a 72-hour supply of a Schedule II drug (CT)',
    reasons: [{ ruleId: 'ct-72h-supply', text: 'more than a 72-hour supply of a Schedule II drug', citation: 'CGS 21a-254(j)(1)', verified: true }],
    notes: [],
    drug: { controlled: true, schedule: 'CII', ingredient: 'oxycodone', opioid: true, benzodiazepine: false },
    supply: { daysSupply: 10, min: 10, max: 10, dosesPerDay: 4, dosesPerDayMin: 4, dosesPerDayMax: 4, source: 'computed', uncertain: false, explanation: '40 tablets at up to 4 a day lasts at least 10 days' },
    state: 'CT',
    packVersion: '2016.1',
    ...over,
  };
}

function mount(onReview = vi.fn()) {
  const p = createPrompt(document, onReview);
  document.body.append(p.host);
  return { p, onReview, root: () => p.host.shadowRoot };
}

describe('inline prompt', () => {
  it('shows a due decision with its reason, citation and a Review button; carries the test hooks', () => {
    const { p, onReview, root } = mount();
    p.render(decision({}));
    expect(p.host.dataset.pmpReview).toBe('due');
    expect(p.host.dataset.pmpRule).toBe('ct-72h-supply');
    expect(p.host.hidden).toBe(false);
    const text = root()?.textContent ?? '';
    expect(text).toContain('PMP review required — more than a 72-hour supply of a Schedule II drug (CT)');
    expect(text).toContain('CGS 21a-254(j)(1)');
    expect(text).toContain('10 days');
    expect(root()?.querySelector('[role="status"]')).not.toBeNull();
    root()?.querySelector('button')?.click();
    expect(onReview).toHaveBeenCalledOnce();
  });

  it('hides itself when no review is required, keeping the hooks', () => {
    const { p, root } = mount();
    p.render(decision({ status: 'not-required', ruleIds: [], reasons: [] }));
    expect(p.host.hidden).toBe(true);
    expect(p.host.dataset.pmpReview).toBe('not-required');
    expect(p.host.dataset.pmpRule).toBe('');
    expect(root()?.querySelector('button')).toBeNull();
  });

  it('says "Reviewed ✓ <time>" after a review', () => {
    const { p, root } = mount();
    const at = new Date().toISOString();
    p.render(decision({ status: 'reviewed', lastReview: { at, outcome: 'reviewed', ruleIds: ['ct-72h-supply'], reviewerName: 'Dr. Avery Quill' } }));
    expect(root()?.textContent).toMatch(/Reviewed ✓ \d{1,2}:\d{2}.* by Dr\. Avery Quill/);
    expect(p.host.dataset.pmpReview).toBe('reviewed');
  });

  it('shows the follow-up due after "PMP unavailable"', () => {
    const { p, root } = mount();
    p.render(decision({ status: 'pmp-unavailable', headline: 'PMP was unavailable — review it again within 24 hours (CT)', followUpDueAt: new Date(Date.now() + 86_400_000).toISOString() }));
    expect(root()?.textContent).toContain('follow-up review due by');
    expect(root()?.querySelector('button')?.textContent).toBe('Review PMP now');
  });

  it('keeps the page\'s styles out: everything is inside a shadow root', () => {
    const { p } = mount();
    p.render(decision({}));
    expect(p.host.shadowRoot).not.toBeNull();
    expect(p.host.children).toHaveLength(0);
  });
});
