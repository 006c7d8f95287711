import { describe, expect, it, vi } from 'vitest';
import type { Decision } from '../rules/decision';
import { createPrompt, dismissOptions, promptStateOf, type PromptActions } from './prompt';

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

function mount(actions: Partial<PromptActions> = {}) {
  const onReview = vi.fn();
  const p = createPrompt(document, { onReview, ...actions });
  document.body.replaceChildren();
  const anchor = document.createElement('form');
  document.body.append(anchor);
  p.place(anchor);
  const root = () => p.host.shadowRoot;
  const button = (name: string) => [...(root()?.querySelectorAll('button') ?? [])].find((b) => b.textContent === name);
  return { p, onReview, root, button, anchor };
}

describe('promptStateOf', () => {
  it.each([
    [{ status: 'due' as const }, 'due'],
    [{ status: 'reviewed' as const, lastReview: { at: new Date().toISOString(), outcome: 'reviewed' as const, ruleIds: [] } }, 'reviewed'],
    [{ status: 'reviewed' as const, lastReview: { at: new Date().toISOString(), outcome: 'exempted' as const, ruleIds: [] } }, 'exempted'],
    [{ status: 'not-required' as const }, 'not-required'],
    [{ status: 'not-required' as const, exemptions: [{ ruleId: 'x', kind: 'hospice', wording: 'hospice care', citation: 'c', how: 'setting' as const }] }, 'exempted'],
    [{ status: 'pmp-unavailable' as const }, 'pmp-unavailable'],
    [{ status: 'undetermined' as const }, 'undetermined'],
    [{ status: 'exempted' as unknown as 'due' }, 'exempted'],
    [{ status: 'something-new' as unknown as 'due' }, 'undetermined'],
  ])('%j → %s', (over, state) => {
    expect(promptStateOf(decision(over))).toBe(state);
  });
});

describe('inline prompt', () => {
  it('shows a due decision with reason, citation and buttons; carries the test hooks; sits after the order', () => {
    const { p, onReview, root, button, anchor } = mount({ onDismiss: vi.fn() });
    p.render(decision({}));
    expect(p.host.dataset.pmpReview).toBe('due');
    expect(p.host.dataset.pmpRule).toBe('ct-72h-supply');
    expect(p.host.hidden).toBe(false);
    expect(p.host.previousElementSibling).toBe(anchor);
    const text = root()?.textContent ?? '';
    expect(text).toContain('PMP review required — more than a 72-hour supply of a Schedule II drug (CT)');
    expect(text).toContain('CGS 21a-254(j)(1)');
    expect(text).toContain('10 days');
    expect(root()?.querySelector('[role="region"][aria-label="PMP Check"]')).not.toBeNull();
    expect(root()?.querySelector('[role="status"][aria-live="polite"]')).not.toBeNull();
    button('Review PMP')?.click();
    expect(onReview).toHaveBeenCalledOnce();
    expect(button('Dismiss…')?.getAttribute('aria-expanded')).toBe('false');
  });

  it('hides itself when no review is required, keeping the hooks', () => {
    const { p, root } = mount();
    p.render(decision({ status: 'not-required', ruleIds: [], reasons: [] }));
    expect(p.host.hidden).toBe(true);
    expect(p.host.dataset.pmpReview).toBe('not-required');
    expect(p.host.dataset.pmpRule).toBe('');
    expect(root()?.querySelector('button')).toBeNull();
  });

  it('says "Reviewed ✓ <time>" after a review, with who reviewed', () => {
    const { p, root, button } = mount();
    p.render(decision({ status: 'reviewed', lastReview: { at: new Date().toISOString(), outcome: 'reviewed', ruleIds: ['ct-72h-supply'], reviewerName: 'Dr. Avery Quill' }, nextDueOn: '2026-02-20' }));
    expect(root()?.textContent).toMatch(/Reviewed ✓ \d{1,2}:\d{2}.* by Dr\. Avery Quill/);
    expect(root()?.textContent).toContain('Next review due by 2026-02-20');
    expect(p.host.dataset.pmpReview).toBe('reviewed');
    expect(button('Open PMP history')).toBeDefined();
  });

  it('shows an exemption in the state\'s wording', () => {
    const { p, root } = mount();
    p.render(decision({ status: 'not-required', exemptions: [{ ruleId: 'ny-every-rx', kind: 'hospice', wording: 'the patient is in hospice care', citation: 'NY PHL §3343-a(2)(b)', how: 'setting' }] }));
    expect(p.host.dataset.pmpReview).toBe('exempted');
    expect(p.host.hidden).toBe(false);
    expect(root()?.textContent).toContain('Exempt from the PMP review — the patient is in hospice care (CT)');
    expect(root()?.textContent).toContain('NY PHL §3343-a(2)(b)');
  });

  it('shows the follow-up due after "PMP unavailable"', () => {
    const { p, root, button } = mount();
    p.render(decision({ status: 'pmp-unavailable', headline: 'PMP was unavailable — review it again within 24 hours (CT)', followUpDueAt: new Date(Date.now() + 86_400_000).toISOString() }));
    expect(root()?.textContent).toContain('follow-up review due by');
    expect(button('Review PMP now')).toBeDefined();
    expect(p.host.dataset.pmpReview).toBe('pmp-unavailable');
  });

  it('says what is missing when the decision is undetermined, with no supply line', () => {
    const { p, root } = mount();
    p.render(decision({ status: 'undetermined', headline: 'Schedule II drug: enter the quantity and directions to tell whether a PMP review is required' }));
    expect(p.host.dataset.pmpReview).toBe('undetermined');
    expect(root()?.textContent).toContain('enter the quantity and directions');
    expect(root()?.textContent).not.toContain('10 days');
  });

  it('lists advisories beside the decision', () => {
    const { p, root } = mount();
    p.render(decision({ advisories: [{ id: 'a', kind: 'opioid-supply-limit', text: 'CT limits a first opioid prescription to 7 days; this order is for 10 days.', limitDays: 7, daysSupply: 10, assumptions: [], exceptions: [], citation: 'CGS 20-14o', verified: true }] }));
    expect(root()?.textContent).toContain('this order is for 10 days. (CGS 20-14o)');
  });

  it('offers "Wrong fields?" only when the page is read by a generic or mapped adapter', () => {
    const onMapFields = vi.fn();
    const withMapper = mount({ onMapFields });
    withMapper.p.render(decision({}));
    withMapper.button('Wrong fields?')?.click();
    expect(onMapFields).toHaveBeenCalledOnce();
    const without = mount();
    without.p.render(decision({}));
    expect(without.button('Wrong fields?')).toBeUndefined();
  });

  it('keeps the page\'s styles out and its keyboard shortcuts from our keys', () => {
    const { p, root } = mount({ onDismiss: vi.fn() });
    p.render(decision({}));
    expect(p.host.shadowRoot).not.toBeNull();
    expect(p.host.children).toHaveLength(0);
    const pageKeys = vi.fn();
    document.addEventListener('keydown', pageKeys);
    root()?.querySelector('button')?.dispatchEvent(new KeyboardEvent('keydown', { key: 'k', bubbles: true, composed: true }));
    document.removeEventListener('keydown', pageKeys);
    expect(pageKeys).not.toHaveBeenCalled();
  });

  it('never goes inside a table: a row\'s prompts stack after the table, each naming its order', () => {
    document.body.innerHTML = '<table id="t"><tbody><tr id="r1"><td>a</td></tr><tr id="r2"><td>b</td></tr></tbody></table><p id="after"></p>';
    const row = (id: string) => {
      const r = document.querySelector(`#${id}`);
      if (!r) throw new Error(id);
      return r;
    };
    const p1 = createPrompt(document, { onReview: vi.fn() });
    const p2 = createPrompt(document, { onReview: vi.fn() });
    p1.place(row('r1'), 'oxycodone 5 mg tablet');
    p2.place(row('r2'), 'alprazolam 0.5 mg tablet');
    p1.place(row('r1'), 'oxycodone 5 mg tablet'); // placing again keeps its place
    expect(document.querySelector('table')?.querySelector('pmp-check-prompt')).toBeNull();
    expect([...document.body.children].map((e) => e.id || e.getAttribute('data-pmp-for'))).toEqual(['t', 'oxycodone 5 mg tablet', 'alprazolam 0.5 mg tablet', 'after']);
    p1.render(decision({}));
    expect(p1.host.shadowRoot?.textContent).toContain('Pending order: oxycodone 5 mg tablet');
    p1.remove();
    expect(document.querySelectorAll('pmp-check-prompt')).toHaveLength(1);
  });
});

describe('dismissing the prompt', () => {
  it('offers not prescribing, the state\'s exemptions in its wording, and another reason', () => {
    expect(dismissOptions(decision({})).map((o) => o.id)).toEqual(['not-prescribing', 'other']);
    const opts = dismissOptions(decision({ availableExemptions: [{ kind: 'hospice', wording: 'the patient is in hospice care', citation: 'x', ruleIds: ['r'] }] }));
    expect(opts.map((o) => [o.id, o.outcome, o.label])).toEqual([
      ['not-prescribing', 'declined', 'Not prescribing this order now'],
      ['exemption:hospice', 'exempted', 'Exempt: the patient is in hospice care'],
      ['other', 'declined', 'Another reason — say why'],
    ]);
  });

  function openForm(actions: Partial<PromptActions>, d = decision({})) {
    const m = mount(actions);
    m.p.render(d);
    m.button('Dismiss…')?.click();
    const form = m.root()?.querySelector('form');
    if (!form) throw new Error('no form');
    const radio = (id: string) => form.querySelector<HTMLInputElement>(`input[value="${id}"]`);
    const reason = form.querySelector<HTMLInputElement>('input[type=text]');
    const submit = () => form.querySelector<HTMLButtonElement>('button[type=submit]')?.click();
    const error = () => form.querySelector('[role="alert"]')?.textContent ?? '';
    return { ...m, form, radio, reason, submit, error };
  }

  it('records "not prescribing" and shows it as recorded', async () => {
    const onDismiss = vi.fn(() => Promise.resolve());
    const f = openForm({ onDismiss });
    expect(f.button('Dismiss…')?.getAttribute('aria-expanded')).toBe('true');
    expect(f.form.querySelector('legend')?.textContent).toContain('recorded');
    const r = f.radio('not-prescribing');
    if (r) r.checked = true;
    f.submit();
    expect(onDismiss).toHaveBeenCalledWith({ outcome: 'declined', reason: 'Not prescribing this order now' });
    await Promise.resolve();
    f.p.renderDismissed({ outcome: 'declined', reason: 'Not prescribing this order now' });
    expect(f.p.host.dataset.pmpReview).toBe('dismissed');
    expect(f.root()?.textContent).toContain('PMP prompt dismissed — recorded');
  });

  it('records an exemption with its id and shows "exemption recorded"', () => {
    const onDismiss = vi.fn(() => Promise.resolve());
    const f = openForm({ onDismiss }, decision({ availableExemptions: [{ kind: 'hospice', wording: 'the patient is in hospice care', citation: 'x', ruleIds: ['r'] }] }));
    const r = f.radio('exemption:hospice');
    if (r) r.checked = true;
    f.submit();
    expect(onDismiss).toHaveBeenCalledWith({ outcome: 'exempted', reason: 'Exempt: the patient is in hospice care', exemptionId: 'hospice' });
    f.p.renderDismissed({ outcome: 'exempted', reason: 'Exempt: the patient is in hospice care', exemptionId: 'hospice' });
    expect(f.p.host.dataset.pmpReview).toBe('exempted');
  });

  it.each([
    ['no reason chosen', undefined, '', 'Choose a reason.'],
    ['"another reason" with no words', 'other', '', 'Say why in a few words'],
    ['"another reason" with two letters', 'other', 'no', 'Say why in a few words'],
  ])('refuses %s with a clear message and records nothing', (_what, id, words, message) => {
    const onDismiss = vi.fn(() => Promise.resolve());
    const f = openForm({ onDismiss });
    const r = id ? f.radio(id) : null;
    if (r) r.checked = true;
    if (f.reason) f.reason.value = words;
    f.submit();
    expect(onDismiss).not.toHaveBeenCalled();
    expect(f.error()).toBe(message);
  });

  it('shows the background\'s refusal in the form and lets the prescriber try again', async () => {
    const onDismiss = vi.fn(() => Promise.reject(new Error('Say who you are first (name and role)')));
    const f = openForm({ onDismiss });
    const r = f.radio('other');
    if (r) r.checked = true;
    if (f.reason) f.reason.value = 'patient declined the prescription';
    f.submit();
    await vi.waitFor(() => {
      expect(f.error()).toBe('Say who you are first (name and role)');
    });
    expect(f.form.querySelector<HTMLButtonElement>('button[type=submit]')?.disabled).toBe(false);
    expect(onDismiss).toHaveBeenCalledWith({ outcome: 'declined', reason: 'patient declined the prescription' });
  });

  it('closes on Escape and on Cancel, returning focus to "Dismiss…"', () => {
    const f = openForm({ onDismiss: vi.fn(() => Promise.resolve()) });
    f.form.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(f.root()?.querySelector('form')).toBeNull();
    expect(f.button('Dismiss…')?.getAttribute('aria-expanded')).toBe('false');
    f.button('Dismiss…')?.click();
    [...(f.root()?.querySelectorAll('form button') ?? [])].find((b) => b.textContent === 'Cancel')?.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(f.root()?.querySelector('form')).toBeNull();
  });

  it('keeps an open dismiss form while the order\'s words change, and updates the words in place', () => {
    const f = openForm({ onDismiss: vi.fn(() => Promise.resolve()) });
    const headline = f.root()?.querySelector('.headline');
    f.p.render(decision({ supply: { ...decision({}).supply, daysSupply: 12, explanation: '48 tablets at up to 4 a day lasts at least 12 days' } }));
    expect(f.root()?.querySelector('form')).toBe(f.form);
    expect(f.root()?.querySelector('.headline')).toBe(headline);
    expect(f.root()?.textContent).toContain('lasts at least 12 days');
    f.p.render(decision({ status: 'reviewed', lastReview: { at: new Date().toISOString(), outcome: 'reviewed', ruleIds: [] } }));
    expect(f.root()?.querySelector('form')).toBeNull(); // another state: rebuilt
  });

  it('is not offered without a way to record it', () => {
    const m = mount();
    m.p.render(decision({}));
    expect(m.button('Dismiss…')).toBeUndefined();
  });
});
