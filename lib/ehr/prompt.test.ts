import { describe, expect, it, vi } from 'vitest';
import type { Decision } from '../rules/decision';
import { createPrompt, dismissOptions, promptStateOf, type PromptActions, type PromptHandle } from './prompt';

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

describe("acknowledging a delegate's review (prescriber, one click)", () => {
  const at = new Date().toISOString();
  const delegateReview = (over: Partial<NonNullable<Decision['lastReview']>> = {}) =>
    decision({ status: 'reviewed', lastReview: { at, outcome: 'reviewed', ruleIds: ['ct-72h-supply'], reviewerName: 'Sam Nurse', reviewerRole: 'delegate', id: 'rev-1', ...over } });
  const prescriber = { role: 'prescriber' as const, name: 'Dr. Avery Quill' };
  const delegate = { role: 'delegate' as const, name: 'Sam Nurse' };

  it('shows who reviewed and when, and an Acknowledge button a keyboard reaches; a click acknowledges that review', async () => {
    // The owner (the controller) re-renders with the decision the background answers.
    const owner: { prompt?: PromptHandle } = {};
    const onAcknowledge = vi.fn((_id: string | undefined) => {
      owner.prompt?.render(delegateReview({ acknowledgedAt: new Date().toISOString(), acknowledgedBy: 'Dr. Avery Quill' }), prescriber);
      return Promise.resolve();
    });
    const m = mount({ onAcknowledge });
    owner.prompt = m.p;
    m.p.render(delegateReview(), prescriber);
    expect(m.root()?.querySelector('.headline')?.textContent).toMatch(/^Reviewed ✓ \d{1,2}:\d{2}.* by Sam Nurse \(delegate\)$/);
    const ack = m.button('Acknowledge');
    if (!ack) throw new Error('no Acknowledge button');
    expect(ack.type).toBe('button');
    expect(ack.tabIndex).toBe(0);
    expect(ack.disabled).toBe(false);
    expect(ack.getAttribute('aria-label')).toBe("Acknowledge Sam Nurse's review (recorded)");
    ack.focus();
    ack.click();
    expect(onAcknowledge).toHaveBeenCalledExactlyOnceWith('rev-1');
    await vi.waitFor(() => {
      expect(m.root()?.textContent).toMatch(/Acknowledged ✓ by you at \d{1,2}:\d{2}/);
    });
    expect(m.button('Acknowledge')).toBeUndefined();
    expect(m.root()?.textContent).toMatch(/by Sam Nurse \(delegate\)/);
    // Focus is not dropped on the page: it moves to the line that replaced the button.
    await vi.waitFor(() => {
      expect(m.root()?.activeElement?.className).toContain('acknowledged');
    });
    expect(m.p.host.dataset.pmpReview).toBe('reviewed');
  });

  it('shows the background\'s refusal beside the button, which stays usable; the second try records it', async () => {
    const onAcknowledge = vi.fn<(id: string | undefined) => Promise<void>>().mockRejectedValueOnce(new Error('Say who you are first (name and role)')).mockResolvedValueOnce(undefined);
    const m = mount({ onAcknowledge });
    m.p.render(delegateReview(), undefined);
    const alert = () => m.root()?.querySelector('.actions [role="alert"]')?.textContent ?? '';
    m.button('Acknowledge')?.click();
    await vi.waitFor(() => {
      expect(alert()).toBe('Say who you are first (name and role)');
    });
    expect(m.button('Acknowledge')?.disabled).toBe(false);
    // A re-render with the same answer (the order's words) keeps the message and the button.
    m.p.render(delegateReview(), undefined);
    expect(alert()).toBe('Say who you are first (name and role)');
    m.button('Acknowledge')?.click();
    expect(alert()).toBe('');
    expect(onAcknowledge).toHaveBeenCalledTimes(2);
  });

  it('a refusal with no words still says something', async () => {
    const m = mount({ onAcknowledge: () => Promise.reject(new Error('')) });
    m.p.render(delegateReview(), prescriber);
    m.button('Acknowledge')?.click();
    await vi.waitFor(() => {
      expect(m.root()?.querySelector('.actions [role="alert"]')?.textContent).toBe('Could not record the acknowledgement.');
    });
  });

  it('records one acknowledgement for a double click while the first is on its way', () => {
    const onAcknowledge = vi.fn(() => new Promise<void>(() => undefined));
    const m = mount({ onAcknowledge });
    m.p.render(delegateReview(), prescriber);
    m.button('Acknowledge')?.click();
    m.button('Acknowledge')?.click();
    expect(onAcknowledge).toHaveBeenCalledOnce();
    expect(m.button('Acknowledge')?.disabled).toBe(true);
    expect(m.button('Acknowledge')?.getAttribute('aria-busy')).toBe('true');
  });

  it.each([
    ['a delegate looking at the prompt', delegateReview(), delegate],
    ['the prescriber\'s own review', delegateReview({ reviewerRole: 'prescriber', reviewerName: 'Dr. Avery Quill' }), prescriber],
    ['a review with no role (older records)', delegateReview({ reviewerRole: undefined }), prescriber],
    ['a delegate\'s exemption, not a review', delegateReview({ outcome: 'exempted' }), prescriber],
    ['a review already acknowledged', delegateReview({ acknowledgedAt: at, acknowledgedBy: 'Dr. Avery Quill' }), prescriber],
    ['a due order', decision({}), prescriber],
  ])('offers no Acknowledge button for %s', (_what, d, viewer) => {
    const m = mount({ onAcknowledge: vi.fn(() => Promise.resolve()) });
    m.p.render(d, viewer);
    expect(m.button('Acknowledge')).toBeUndefined();
  });

  it('is not offered without a way to record it', () => {
    const m = mount();
    m.p.render(delegateReview(), prescriber);
    expect(m.button('Acknowledge')).toBeUndefined();
    expect(m.button('Open PMP history')).toBeDefined();
  });

  it('tells a delegate that the prescriber has not acknowledged yet, and who did once done', () => {
    const m = mount({ onAcknowledge: vi.fn(() => Promise.resolve()) });
    m.p.render(delegateReview(), delegate);
    expect(m.root()?.textContent).toContain("Awaiting the prescriber's acknowledgement");
    m.p.render(delegateReview({ acknowledgedAt: at, acknowledgedBy: 'Dr. Avery Quill' }), delegate);
    expect(m.root()?.textContent).toMatch(/Acknowledged ✓ by Dr\. Avery Quill at \d{1,2}:\d{2}/);
    expect(m.root()?.textContent).not.toContain('Awaiting');
  });

  it('names another prescriber who acknowledged, and the day when it was not today', () => {
    const m = mount({ onAcknowledge: vi.fn(() => Promise.resolve()) });
    const earlier = new Date(Date.now() - 3 * 86_400_000).toISOString();
    m.p.render(delegateReview({ at: earlier, acknowledgedAt: earlier, acknowledgedBy: 'Dr. Rowan Vale' }), prescriber);
    expect(m.root()?.textContent).toContain(`Acknowledged ✓ by Dr. Rowan Vale on ${new Date(earlier).toLocaleDateString()} at`);
    expect(m.button('Acknowledge')).toBeUndefined();
  });

  it('draws the button and its message with at least 4.5:1 contrast, and a visible keyboard focus', () => {
    const m = mount({ onAcknowledge: vi.fn(() => Promise.resolve()) });
    m.p.render(delegateReview(), prescriber);
    const css = m.root()?.querySelector('style')?.textContent ?? '';
    const rule = (sel: string) => new RegExp(`(?:^|\\n)${sel.replace(/[.()]/g, '\\$&')} \\{([^}]*)\\}`).exec(css)?.[1] ?? '';
    const prop = (block: string, name: string) => new RegExp(`(?:^|;)\\s*${name}:\\s*(#[0-9a-f]{3,6})`).exec(block)?.[1] ?? '';
    const lum = (hex: string) => {
      const h = hex.length === 4 ? hex.slice(1).replace(/./g, '$&$&') : hex.slice(1);
      const [r = 0, g = 0, b = 0] = [0, 2, 4].map((i) => {
        const c = parseInt(h.slice(i, i + 2), 16) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const ratio = (a: string, b: string) => {
      const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
      return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05);
    };
    const ack = rule('.reviewed button.ack');
    expect(ratio(prop(ack, 'color'), prop(ack, 'background'))).toBeGreaterThanOrEqual(4.5);
    expect(ratio(prop(rule('.error'), 'color'), prop(rule('.reviewed'), 'background'))).toBeGreaterThanOrEqual(4.5);
    expect(css).toMatch(/button:focus-visible[^{]*\{ outline: 3px solid/);
    expect(m.button('Acknowledge')?.className).toBe('ack');
  });
});

describe('Dismissal (the content script has no zod locale: every message it shows is its own)', () => {
  it.each([
    ['a reason of two letters', 'no', 'Say why in a few words'],
    ['blanks around two letters', '   no   ', 'Say why in a few words'],
    ['a reason over 300 characters', `Exempt: ${'x'.repeat(300)}`, 'Keep the reason under 300 characters'],
  ])('refuses %s with words a prescriber can act on', async (_what, reason, message) => {
    const { Dismissal } = await import('./prompt');
    expect(Dismissal.safeParse({ outcome: 'declined', reason }).error?.issues[0]?.message).toBe(message);
  });

  it('keeps a good reason, trimmed', async () => {
    const { Dismissal } = await import('./prompt');
    expect(Dismissal.parse({ outcome: 'exempted', reason: '  Exempt: hospice  ', exemptionId: 'hospice' })).toEqual({ outcome: 'exempted', reason: 'Exempt: hospice', exemptionId: 'hospice' });
  });
});
