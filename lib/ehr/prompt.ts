import type { Decision } from '../rules/decision';

export const PROMPT_TAG = 'pmp-check-prompt';

const STYLE = `
:host { all: initial; display: block; margin: 8px 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; }
:host([hidden]) { display: none; }
.box { display: flex; gap: 12px; align-items: flex-start; border: 1px solid; border-left-width: 6px; border-radius: 6px; padding: 10px 12px; max-width: 720px; }
.due { background: #fff4e5; border-color: #b45309; color: #3b2106; }
.reviewed { background: #ecfdf3; border-color: #15803d; color: #0b3d1f; }
.pmp-unavailable { background: #fff7ed; border-color: #c2410c; color: #431407; }
.undetermined { background: #f3f4f6; border-color: #6b7280; color: #1f2937; }
.icon { font-size: 18px; line-height: 1.2; }
.text { flex: 1; min-width: 0; }
.headline { font-weight: 600; }
.detail { margin-top: 2px; font-size: 13px; }
.cite { font-size: 12px; opacity: .85; }
button { font: inherit; font-weight: 600; cursor: pointer; border-radius: 4px; padding: 6px 12px; border: 1px solid #7c2d12; background: #9a3412; color: #fff; white-space: nowrap; }
button:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
button.secondary { background: #fff; color: #14532d; border-color: #15803d; }
`;

function timeOf(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function dayOf(iso: string): string {
  const d = new Date(iso);
  return d.toDateString() === new Date().toDateString() ? timeOf(iso) : `${d.toLocaleDateString()} ${timeOf(iso)}`;
}

export interface PromptHandle {
  host: HTMLElement;
  render(decision: Decision): void;
  /** Hides the prompt (no order, or not-required) but keeps the test hooks current. */
  remove(): void;
}

/**
 * The inline prompt: a shadow-root element placed in the page's flow right after the order
 * form, so it never covers the EHR's own controls and the page's CSS cannot reach it.
 * It shows only what the page already shows (drug, supply) plus the rule and its citation.
 */
export function createPrompt(doc: Document, onReview: () => void): PromptHandle {
  const host = doc.createElement(PROMPT_TAG);
  const shadow = host.attachShadow({ mode: 'open' });
  const style = doc.createElement('style');
  style.textContent = STYLE;
  const box = doc.createElement('div');
  box.setAttribute('role', 'status');
  box.setAttribute('aria-live', 'polite');
  shadow.append(style, box);

  function line(cls: string, text: string): HTMLDivElement {
    const el = doc.createElement('div');
    el.className = cls;
    el.textContent = text;
    return el;
  }

  function button(label: string, cls = ''): HTMLButtonElement {
    const b = doc.createElement('button');
    b.type = 'button';
    b.textContent = label;
    if (cls) b.className = cls;
    b.addEventListener('click', (e) => {
      e.preventDefault();
      e.stopPropagation();
      onReview();
    });
    return b;
  }

  return {
    host,
    render(d) {
      host.dataset.pmpReview = d.status;
      host.dataset.pmpRule = d.ruleIds.join(' ');
      const quiet = d.status === 'not-required';
      host.hidden = quiet;
      box.replaceChildren();
      if (quiet) return;
      box.className = `box ${d.status}`;
      const icon = line('icon', d.status === 'reviewed' ? '✓' : d.status === 'undetermined' ? 'ℹ' : '⚠');
      icon.setAttribute('aria-hidden', 'true');
      const text = doc.createElement('div');
      text.className = 'text';
      if (d.status === 'reviewed' && d.lastReview) {
        const who = d.lastReview.reviewerName ? ` by ${d.lastReview.reviewerName}` : '';
        text.append(line('headline', `Reviewed ✓ ${dayOf(d.lastReview.at)}${who}`));
        text.append(line('detail', `PMP review on file — ${d.reasons.map((r) => r.text).join('; ')} (${d.state})`));
        if (d.nextDueOn) text.append(line('detail', `Next review due by ${d.nextDueOn}`));
      } else {
        text.append(line('headline', d.headline));
        if (d.supply.explanation && d.status !== 'undetermined') text.append(line('detail', d.supply.explanation));
        for (const n of d.notes) text.append(line('detail', n));
        if (d.status === 'pmp-unavailable' && d.followUpDueAt) {
          text.append(line('detail', `Recorded as unavailable; follow-up review due by ${dayOf(d.followUpDueAt)}.`));
        }
      }
      if (d.reasons.length) text.append(line('cite', d.reasons.map((r) => r.citation).join(' · ')));
      box.append(icon, text);
      if (d.status === 'due') box.append(button('Review PMP'));
      if (d.status === 'pmp-unavailable') box.append(button('Review PMP now'));
      if (d.status === 'reviewed') box.append(button('Open PMP history', 'secondary'));
    },
    remove() {
      host.remove();
    },
  };
}
