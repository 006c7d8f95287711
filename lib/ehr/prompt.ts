import { z } from 'zod/mini'; // the content script's schemas are zod/mini (lib/messaging/content-protocol.ts)
import type { ResponseOf } from '../messaging/protocol';
import type { Decision } from '../rules/decision';
import { PROMPT_TAG } from './dom';

export { PROMPT_TAG };

/** What the prompt shows. 'dismissed' is a prompt the prescriber dismissed with a reason. */
export const PromptState = z.enum(['due', 'reviewed', 'not-required', 'exempted', 'pmp-unavailable', 'undetermined', 'dismissed']);
export type PromptState = z.infer<typeof PromptState>;

/** One way to dismiss the prompt; each is recorded ('exempted' names the state's exemption). */
export interface DismissOption {
  id: string;
  outcome: 'declined' | 'exempted';
  label: string;
  /** The prescriber must add words of their own. */
  needsText: boolean;
  exemptionId?: string;
}

/**
 * The reasons offered: not prescribing now, each exemption the state pack lets the prescriber
 * document for this order (in the state's wording), or another reason in their words.
 * Connecticut lists no exemption (its only one, the PMP being down, is "PMP unavailable").
 */
export function dismissOptions(d: Decision): DismissOption[] {
  return [
    { id: 'not-prescribing', outcome: 'declined', label: 'Not prescribing this order now', needsText: false },
    // "PMP not operational" is recorded from the side panel as "PMP unavailable", not here.
    ...(d.availableExemptions ?? []).filter((e) => e.kind !== 'pmp-unavailable').map(
      (e): DismissOption => ({ id: `exemption:${e.kind}`, outcome: 'exempted', label: `Exempt: ${e.wording}`, needsText: false, exemptionId: e.kind }),
    ),
    { id: 'other', outcome: 'declined', label: 'Another reason — say why', needsText: true },
  ];
}

export const Dismissal = z.object({
  outcome: z.enum(['declined', 'exempted']),
  reason: z.string().check(z.trim(), z.minLength(3, 'Say why in a few words'), z.maxLength(300, 'Keep the reason under 300 characters')),
  exemptionId: z.optional(z.string()),
});
export type Dismissal = z.infer<typeof Dismissal>;

/** The prompt's state for a decision (an 'exempted' review on file shows as exempted). */
export function promptStateOf(d: Decision): PromptState {
  const status: string = d.status;
  if (status === 'exempted') return 'exempted';
  if (status !== 'due' && (d.exemptions?.length ?? 0) > 0) return 'exempted';
  if (status === 'reviewed' && d.lastReview?.outcome === 'exempted') return 'exempted';
  const parsed = PromptState.safeParse(status);
  return parsed.success ? parsed.data : 'undetermined';
}

// Colours chosen for WCAG AA contrast (text ≥ 7:1 on its background, buttons ≥ 4.5:1).
const STYLE = `
:host { all: initial; display: block; margin: 8px 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2937; }
:host([hidden]) { display: none; }
.box { display: grid; grid-template-columns: auto 1fr; gap: 6px 10px; align-items: start; border: 1px solid; border-left-width: 6px; border-radius: 6px; padding: 10px 12px; max-width: 720px; box-sizing: border-box; }
.due { background: #fff4e5; border-color: #b45309; color: #3b2106; }
.reviewed { background: #ecfdf3; border-color: #15803d; color: #0b3d1f; }
.exempted, .dismissed { background: #eef2ff; border-color: #4338ca; color: #1e1b4b; }
.pmp-unavailable { background: #fff7ed; border-color: #c2410c; color: #431407; }
.undetermined { background: #f3f4f6; border-color: #6b7280; color: #1f2937; }
.icon { font-size: 18px; line-height: 1.2; }
.text { min-width: 0; }
.headline { font-weight: 600; }
.detail { margin-top: 2px; font-size: 13px; }
.cite { font-size: 12px; }
.actions { grid-column: 2; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.actions:empty { display: none; }
button { font: inherit; font-weight: 600; cursor: pointer; border-radius: 4px; padding: 6px 12px; border: 1px solid #7c2d12; background: #9a3412; color: #fff; white-space: nowrap; }
button.secondary { background: #fff; color: #7c2d12; }
.reviewed button.secondary { color: #14532d; border-color: #15803d; }
.reviewed button.ack { background: #166534; border-color: #14532d; color: #fff; }
button:disabled { cursor: progress; opacity: .8; }
.acknowledged { font-weight: 600; }
.acknowledged:focus-visible { outline: 2px solid #1d4ed8; outline-offset: 1px; }
button.link { background: none; border: 0; padding: 4px; color: #1e3a8a; text-decoration: underline; font-weight: 500; }
button:focus-visible, input:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.actions .error { margin-top: 0; }
form { grid-column: 2; margin: 4px 0 0; }
fieldset { border: 1px solid #d1d5db; border-radius: 4px; padding: 6px 10px; margin: 0; }
legend { font-weight: 600; padding: 0 4px; }
label { display: block; margin: 2px 0; }
input[type=text] { font: inherit; width: 100%; max-width: 420px; box-sizing: border-box; padding: 4px 6px; border: 1px solid #6b7280; border-radius: 3px; margin-top: 4px; }
.row { display: flex; gap: 6px; margin-top: 6px; }
.error { color: #991b1b; font-weight: 600; margin-top: 4px; }
.error:empty { display: none; }
`;

function timeOf(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function dayOf(iso: string): string {
  const d = new Date(iso);
  return d.toDateString() === new Date().toDateString() ? timeOf(iso) : `${d.toLocaleDateString()} ${timeOf(iso)}`;
}

/** "at 14:05" today, "on 11/20/2026 at 14:05" another day. */
function atOf(iso: string): string {
  const d = new Date(iso);
  return d.toDateString() === new Date().toDateString() ? `at ${timeOf(iso)}` : `on ${d.toLocaleDateString()} at ${timeOf(iso)}`;
}

/** One line of the prompt's text: its class and its words. */
type Line = readonly [cls: string, words: string];

/** One of the prompt's controls: what stands for it in the prompt's shape, and how to make it. */
interface Control {
  key: string;
  make: () => HTMLElement;
}

/** Who uses PMP Check on this computer (their options), as the background tells it with each decision. */
export type Viewer = NonNullable<ResponseOf<'evaluate'>['viewer']>;

export interface PromptActions {
  /** Opens the PMP side panel (called straight from the click: the panel needs the gesture). */
  onReview: () => void;
  /** Records a dismissal; resolves when it is recorded, rejects with a message for the user. */
  onDismiss?: (d: Dismissal) => Promise<void>;
  /** Starts the field mapper (offered on pages read by the generic or a mapped adapter). */
  onMapFields?: () => void;
  /**
   * Records the prescriber's acknowledgement of a delegate's review (that review's id); resolves
   * once recorded (the owner re-renders with the new decision), rejects with a message for the user.
   */
  onAcknowledge?: (reviewId: string | undefined) => Promise<void>;
}

export interface PromptHandle {
  host: HTMLElement;
  /** `viewer`: who is looking; a delegate is not offered the prescriber's acknowledgement. */
  render(decision: Decision, viewer?: Viewer): void;
  /** Shows the collapsed "dismissed / exemption recorded" line. */
  renderDismissed(d: Dismissal): void;
  /** Puts the prompt right after the order's anchor (after the table, naming the order, for a table row). */
  place(anchor: Element, subject?: string): void;
  remove(): void;
}

/**
 * The inline prompt: a shadow-root element placed in the page's flow right after the order,
 * so it never covers the EHR's own controls and the page's CSS cannot reach it. It shows only
 * what the page already shows (drug schedule, supply) plus the rule, its citation and who
 * reviewed (a colleague's name from our own settings); never PMP data.
 */
export function createPrompt(doc: Document, actions: PromptActions): PromptHandle {
  const host = doc.createElement(PROMPT_TAG);
  const shadow = host.attachShadow({ mode: 'open' });
  const style = doc.createElement('style');
  style.textContent = STYLE;
  const box = doc.createElement('div');
  box.setAttribute('role', 'region');
  box.setAttribute('aria-label', 'PMP Check');
  shadow.append(style, box);
  // Keys typed into our reason box must not trigger the EHR's keyboard shortcuts.
  for (const type of ['keydown', 'keyup', 'keypress']) box.addEventListener(type, (e) => { e.stopPropagation(); });
  let subjectLine: string | undefined;
  let lastDecision: Decision | undefined;

  function line(cls: string, text: string): HTMLDivElement {
    const el = doc.createElement('div');
    el.className = cls;
    el.textContent = text;
    return el;
  }

  function button(label: string, onClick: () => void, cls = ''): HTMLButtonElement {
    const b = doc.createElement('button');
    b.type = 'button';
    b.textContent = label;
    if (cls) b.className = cls;
    b.addEventListener('click', (e) => {
      e.preventDefault();
      e.stopPropagation();
      onClick();
    });
    return b;
  }

  /** A button made only when the prompt's shape changes; `key` stands for it in the shape. */
  function buttonControl(label: string, onClick: () => void, cls = ''): Control {
    return { key: `${cls}:${label}`, make: () => button(label, onClick, cls) };
  }

  // The host is in the page's DOM, where the EHR's own observers may be listening: its
  // attributes are written only when they change.
  function setData(key: 'pmpReview' | 'pmpRule' | 'pmpFor', value: string): void {
    if (host.dataset[key] !== value) host.dataset[key] = value;
  }

  function setState(state: PromptState, ruleIds: readonly string[]): void {
    setData('pmpReview', state);
    setData('pmpRule', ruleIds.join(' '));
  }

  function dismissForm(actionsEl: HTMLElement, opener: HTMLButtonElement, options: readonly DismissOption[]): void {
    const onDismiss = actions.onDismiss;
    if (!onDismiss || box.querySelector('form')) return;
    const form = doc.createElement('form');
    form.noValidate = true;
    const fs = doc.createElement('fieldset');
    const legend = doc.createElement('legend');
    legend.textContent = 'Why dismiss this PMP prompt? (recorded)';
    fs.append(legend);
    const name = `pmp-dismiss-${Math.random().toString(36).slice(2, 8)}`;
    for (const r of options) {
      const label = doc.createElement('label');
      const radio = doc.createElement('input');
      radio.type = 'radio';
      radio.name = name;
      radio.value = r.id;
      label.append(radio, ` ${r.label}`);
      fs.append(label);
    }
    const text = doc.createElement('input');
    text.type = 'text';
    text.maxLength = 300;
    text.setAttribute('aria-label', 'Reason, in your words');
    text.placeholder = 'Reason, in your words';
    const error = doc.createElement('div');
    error.className = 'error';
    error.setAttribute('role', 'alert');
    const row = doc.createElement('div');
    row.className = 'row';
    const submit = doc.createElement('button');
    submit.type = 'submit';
    submit.textContent = 'Record dismissal';
    const close = (): void => {
      form.remove();
      opener.setAttribute('aria-expanded', 'false');
      opener.focus();
    };
    const cancel = button('Cancel', close, 'secondary');
    row.append(submit, cancel);
    fs.append(text, error, row);
    form.append(fs);
    form.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') close();
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      e.stopPropagation();
      const chosen = options.find((r) => r.id === (form.querySelector<HTMLInputElement>('input[type=radio]:checked')?.value ?? ''));
      if (!chosen) {
        error.textContent = 'Choose a reason.';
        return;
      }
      const typed = text.value.trim();
      const parsed = Dismissal.safeParse({
        outcome: chosen.outcome,
        reason: chosen.needsText ? typed : typed ? `${chosen.label}: ${typed}` : chosen.label,
        ...(chosen.exemptionId ? { exemptionId: chosen.exemptionId } : {}),
      });
      if (!parsed.success) {
        error.textContent = parsed.error.issues[0]?.message ?? 'Check the reason.';
        text.focus();
        return;
      }
      error.textContent = '';
      submit.disabled = true;
      onDismiss(parsed.data).then(
        () => undefined,
        (err: unknown) => {
          submit.disabled = false;
          error.textContent = err instanceof Error ? err.message : 'Could not record the dismissal.';
        },
      );
    });
    actionsEl.after(form);
    opener.setAttribute('aria-expanded', 'true');
    form.querySelector<HTMLInputElement>('input[type=radio]')?.focus();
  }

  function acknowledge(btn: HTMLButtonElement, error: HTMLElement): void {
    const onAcknowledge = actions.onAcknowledge;
    if (!onAcknowledge || btn.disabled) return;
    btn.disabled = true;
    btn.setAttribute('aria-busy', 'true');
    error.textContent = '';
    // The newest decision's review: the words may have been updated in place since this button was made.
    onAcknowledge(lastDecision?.lastReview?.id).then(
      () => {
        btn.disabled = false;
        btn.removeAttribute('aria-busy');
        // The button is gone with the new decision: keyboard focus goes to what replaced it.
        const done = box.querySelector<HTMLElement>('.acknowledged');
        if (done) {
          done.tabIndex = -1;
          done.focus();
        }
      },
      (err: unknown) => {
        btn.disabled = false;
        btn.removeAttribute('aria-busy');
        error.textContent = err instanceof Error && err.message ? err.message : 'Could not record the acknowledgement.';
        btn.focus();
      },
    );
  }

  let shape = '';
  let shownLines: HTMLElement[] = [];
  function show(state: PromptState, icon: string, texts: readonly Line[], controls: readonly Control[]): void {
    if (host.hidden) host.hidden = false;
    // Same lines and buttons as on screen (typing in the sig changes only the words): update the
    // words in place. Cheaper than rebuilding (no element is made), and an open dismiss form stays as it was.
    const nextShape = [state, icon, ...texts.map(([cls]) => cls), '|', ...controls.map((c) => c.key)].join('\u0001');
    if (nextShape === shape) {
      texts.forEach(([, words], i) => {
        const c = shownLines[i];
        if (c && c.textContent !== words) c.textContent = words;
      });
      return;
    }
    shape = nextShape;
    box.className = `box ${state}`;
    const iconEl = line('icon', icon);
    iconEl.setAttribute('aria-hidden', 'true');
    const text = doc.createElement('div');
    text.className = 'text';
    text.setAttribute('role', 'status');
    text.setAttribute('aria-live', 'polite');
    shownLines = texts.map(([cls, words]) => line(cls, words));
    text.append(...shownLines);
    const actionsEl = doc.createElement('div');
    actionsEl.className = 'actions';
    actionsEl.append(...controls.map((c) => c.make()));
    box.replaceChildren(iconEl, text, actionsEl);
  }

  return {
    host,
    render(d, viewer) {
      lastDecision = d;
      const state = promptStateOf(d);
      setState(state, d.ruleIds);
      if (state === 'not-required') {
        host.hidden = true;
        box.replaceChildren();
        shape = '';
        shownLines = [];
        return;
      }
      const texts: Line[] = [];
      if (subjectLine) texts.push(['detail subject', `Pending order: ${subjectLine}`]);
      const last = d.lastReview;
      const applied = d.exemptions ?? [];
      const delegateReview = state === 'reviewed' && last?.outcome === 'reviewed' && last.reviewerRole === 'delegate';
      if (state === 'exempted' && applied.length > 0) {
        texts.push(['headline', `Exempt from the PMP review — ${applied.map((e) => e.wording).join('; ')} (${d.state})`]);
        texts.push(['cite', applied.map((e) => e.citation).join(' · ')]);
      } else if ((state === 'reviewed' || state === 'exempted') && last) {
        const who = last.reviewerName ? ` by ${last.reviewerName}${last.reviewerRole === 'delegate' ? ' (delegate)' : ''}` : '';
        texts.push(['headline', state === 'exempted' ? `PMP review exemption recorded ${dayOf(last.at)}${who}` : `Reviewed ✓ ${dayOf(last.at)}${who}`]);
        texts.push(['detail', `${state === 'exempted' ? 'Exemption on file' : 'PMP review on file'} — ${d.reasons.map((r) => r.text).join('; ')} (${d.state})`]);
        if (d.nextDueOn) texts.push(['detail', `Next review due by ${d.nextDueOn}`]);
      } else {
        texts.push(['headline', d.headline]);
        if (d.supply.explanation && state !== 'undetermined') texts.push(['detail', d.supply.explanation]);
        for (const n of d.notes) texts.push(['detail', n]);
        if (state === 'pmp-unavailable' && d.followUpDueAt) {
          texts.push(['detail', `Recorded as unavailable; follow-up review due by ${dayOf(d.followUpDueAt)}.`]);
        }
      }
      if (d.reasons.length && !(state === 'exempted' && applied.length > 0)) texts.push(['cite', d.reasons.map((r) => r.citation).join(' · ')]);
      // Under the review and its citation: whether the prescriber acknowledged the delegate's review.
      if (delegateReview && last.acknowledgedAt) {
        const by = last.acknowledgedBy === undefined ? 'the prescriber' : last.acknowledgedBy === viewer?.name ? 'you' : last.acknowledgedBy;
        texts.push(['detail acknowledged', `Acknowledged ✓ by ${by} ${atOf(last.acknowledgedAt)}`]);
      } else if (delegateReview && viewer?.role === 'delegate') {
        texts.push(['detail', "Awaiting the prescriber's acknowledgement"]);
      }
      for (const a of d.advisories ?? []) texts.push(['detail advisory', `${a.text} (${a.citation})`]);
      const controls: Control[] = [];
      let ackError: Control | undefined;
      if (state === 'due') controls.push(buttonControl('Review PMP', actions.onReview));
      if (state === 'pmp-unavailable') controls.push(buttonControl('Review PMP now', actions.onReview));
      // Only a prescriber acknowledges (the background refuses anyone else too); not yet said who they are: offered, and the refusal says why.
      if (delegateReview && !last.acknowledgedAt && viewer?.role !== 'delegate' && actions.onAcknowledge) {
        let error: HTMLElement | undefined;
        const errorLine = (): HTMLElement => {
          if (!error) {
            error = line('error', '');
            error.setAttribute('role', 'alert');
          }
          return error;
        };
        const label = `Acknowledge ${last.reviewerName ?? 'the delegate'}'s review (recorded)`;
        controls.push({
          key: 'ack:Acknowledge',
          make: () => {
            const ack: HTMLButtonElement = button('Acknowledge', () => {
              acknowledge(ack, errorLine());
            }, 'ack');
            ack.setAttribute('aria-label', label);
            return ack;
          },
        });
        ackError = { key: 'error:', make: errorLine };
      }
      if (state === 'reviewed' || state === 'exempted') controls.push(buttonControl('Open PMP history', actions.onReview, 'secondary'));
      if ((state === 'due' || state === 'pmp-unavailable') && actions.onDismiss) {
        controls.push({
          key: 'secondary:Dismiss…',
          make: () => {
            const dismiss: HTMLButtonElement = button('Dismiss…', () => {
              // The newest decision: the words may have been updated in place since this button was made.
              dismissForm(actionsRow(), dismiss, dismissOptions(lastDecision ?? d));
            }, 'secondary');
            dismiss.setAttribute('aria-expanded', 'false');
            return dismiss;
          },
        });
      }
      if (actions.onMapFields) controls.push(buttonControl('Wrong fields?', actions.onMapFields, 'link'));
      if (ackError) controls.push(ackError);
      show(state, state === 'reviewed' || state === 'exempted' ? '✓' : state === 'undetermined' ? 'ℹ' : '⚠', texts, controls);
    },
    renderDismissed(dm) {
      const state: PromptState = dm.outcome === 'exempted' ? 'exempted' : 'dismissed';
      setState(state, lastDecision?.ruleIds ?? []);
      const headline = dm.outcome === 'exempted' ? 'PMP review exemption recorded' : 'PMP prompt dismissed — recorded';
      show(state, '✓', [['headline', headline], ['detail', `Reason: ${dm.reason}`]], []);
    },
    place(anchor, subject) {
      // Never inside a table: a foreign row would be read (and moved) by the page's own scripts.
      // A row's prompt goes after its table and names the order it is about.
      const table = anchor.tagName === 'TR' ? anchor.closest('table') : null;
      setData('pmpFor', table && subject ? subject : '');
      subjectLine = table && subject ? subject : undefined;
      if (table) {
        // Several rows' prompts stack after the table: keep our place in that run, or join its end.
        let last: Element = table;
        for (let next = table.nextElementSibling; next?.tagName.toLowerCase() === PROMPT_TAG; next = next.nextElementSibling) {
          if (next === host) return;
          last = next;
        }
        last.after(host);
        return;
      }
      if (host.previousElementSibling === anchor) return;
      anchor.after(host);
    },
    remove() {
      host.remove();
    },
  };

  function actionsRow(): HTMLElement {
    return box.querySelector<HTMLElement>('.actions') ?? box;
  }
}
