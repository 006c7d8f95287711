import { act, type ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import type { Decision } from '@/lib/rules/decision';
import { evaluateOrder } from '@/lib/rules/engine';
import { getPack } from '@/lib/rules/packs';
import { renderNow } from '@/test/react';
import { DECISION_ID, DecisionLine, DecisionSummary, decisionCitations, headlineDetail } from './decision-summary';

const NOW = new Date('2026-11-22T15:00:00Z');
const OXY = { drugText: 'oxycodone 5 mg tablet', quantity: 40, sig: '1 tab PO q6h PRN pain' };
const due = evaluateOrder({ order: OXY, history: [], now: NOW, pack: getPack('CT') });
const reviewed = evaluateOrder({
  order: OXY,
  history: [{ at: '2026-11-22T14:00:00Z', outcome: 'reviewed', ruleIds: ['ct-72h-supply'] }],
  now: NOW,
  pack: getPack('CT'),
});
const notControlled = evaluateOrder({ order: { drugText: 'amoxicillin 500 mg capsule', quantity: 30, sig: '1 cap po tid x 10 days' }, history: [], now: NOW, pack: getPack('CT') });

function render(ui: ReactNode): HTMLDivElement {
  return renderNow(ui, { query: false }).container;
}

const line = (el: HTMLElement): HTMLElement => {
  const found = el.querySelector<HTMLElement>('[data-testid="decision-line"]');
  if (!found) throw new Error('no decision line');
  return found;
};

describe('headlineDetail', () => {
  it.each([
    ['PMP review required — more than a 72-hour supply of a Schedule II drug (CT)', 'more than a 72-hour supply of a Schedule II drug (CT)'],
    ['PMP reviewed — more than a 72-hour supply of a Schedule II drug (CT)', 'more than a 72-hour supply of a Schedule II drug (CT)'],
    ['No PMP review required — exempt: cancer (NY)', 'exempt: cancer (NY)'],
    ['PMP was unavailable — review it again within 72 hours (CT)', 'review it again within 72 hours (CT)'],
    // One sentence: nothing to take off.
    ['Not a controlled substance: no PMP review required', 'Not a controlled substance: no PMP review required'],
    ['No PMP review required for this order (CT)', 'No PMP review required for this order (CT)'],
    ['Schedule II drug: enter the quantity and directions to tell whether a PMP review is required', 'Schedule II drug: enter the quantity and directions to tell whether a PMP review is required'],
    // A dash that does not follow a status phrase stays.
    ['Buprenorphine — a partial agonist', 'Buprenorphine — a partial agonist'],
    ['', ''],
  ])('%j → %j', (headline, expected) => {
    expect(headlineDetail(headline)).toBe(expected);
  });
});

describe('decisionCitations', () => {
  it('names each statute once, from the rules that apply', () => {
    const twice: Decision = { ...due, reasons: [...due.reasons, ...due.reasons.map((r) => ({ ...r, ruleId: `${r.ruleId}-again` }))] };
    expect(decisionCitations(twice)).toEqual(['CGS 21a-254(j)(1)']);
  });

  it('falls back to the exemptions used when no rule applies', () => {
    const exempt: Decision = {
      ...notControlled,
      reasons: [],
      exemptions: [{ ruleId: 'r', kind: 'cancer', wording: 'cancer', citation: 'N.Y. Pub. Health Law § 3343-a', how: 'documented' }],
    };
    expect(decisionCitations(exempt)).toEqual(['N.Y. Pub. Health Law § 3343-a']);
    expect(decisionCitations(notControlled)).toEqual([]);
  });
});

describe('DecisionLine', () => {
  it('says in one line that a review is required, why, and under which statute', () => {
    const el = render(<DecisionLine decision={due} />);
    expect(line(el).textContent).toBe('Review required — more than a 72-hour supply of a Schedule II drug (CT) · CGS 21a-254(j)(1) Details');
    expect(line(el).className).toBe('decision-line due');
    expect(el.querySelector('.decision-line cite')?.textContent).toBe('CGS 21a-254(j)(1)');
  });

  it('says "Reviewed" once the review is on record', () => {
    expect(reviewed.status).toBe('reviewed');
    const el = render(<DecisionLine decision={reviewed} />);
    expect(line(el).textContent).toMatch(/^Reviewed — more than a 72-hour supply of a Schedule II drug \(CT\) · CGS 21a-254\(j\)\(1\)/);
    expect(line(el).className).toBe('decision-line reviewed');
  });

  it('has no citation when no rule applies', () => {
    const el = render(<DecisionLine decision={notControlled} />);
    expect(line(el).textContent).toBe('Not required — Not a controlled substance: no PMP review required Details');
    expect(el.querySelector('.decision-line cite')).toBeNull();
  });

  it('links to the full decision, and following the link moves the focus there', () => {
    const el = render(
      <>
        <DecisionLine decision={due} />
        <p>the PMP history</p>
        <DecisionSummary decision={due} />
      </>,
    );
    const link = el.querySelector<HTMLAnchorElement>('a.decision-line-link');
    expect(link?.getAttribute('href')).toBe(`#${DECISION_ID}`);
    expect(link?.getAttribute('aria-label')).toBe('Details of the rule decision');
    const full = el.querySelector<HTMLElement>('section[aria-label="Rule decision"]');
    expect(full?.id).toBe(DECISION_ID);
    // Focusable by script, not a stop in the Tab order.
    expect(full?.tabIndex).toBe(-1);
    const click = new MouseEvent('click', { bubbles: true, cancelable: true });
    act(() => {
      link?.dispatchEvent(click);
    });
    expect(document.activeElement).toBe(full);
    // Handled in the panel: the address keeps no fragment.
    expect(click.defaultPrevented).toBe(true);
  });

  it('leaves the link to the browser when the full decision is not on the page', () => {
    const el = render(<DecisionLine decision={due} />);
    const click = new MouseEvent('click', { bubbles: true, cancelable: true });
    act(() => {
      el.querySelector('a.decision-line-link')?.dispatchEvent(click);
    });
    expect(click.defaultPrevented).toBe(false);
  });
});

describe('DecisionSummary', () => {
  it('keeps the full decision: status, headline, each reason with its citation', () => {
    const el = render(<DecisionSummary decision={due} />);
    expect(el.querySelector('.badge')?.textContent).toBe('Review required');
    expect(el.querySelector('.headline')?.textContent).toBe(due.headline);
    expect(el.querySelector('.reasons li')?.textContent).toBe('more than a 72-hour supply of a Schedule II drug — CGS 21a-254(j)(1)');
  });
});
