import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { DEFAULT_INDICATOR_SETTINGS } from '@/lib/indicators/settings';
import { rx } from '@/lib/indicators/test-fills';
import type { PmpHistory } from '@/lib/pmp/history';
import { renderNow } from '@/test/react';
import { PmpHistoryView } from './pmp-history';

const OXY = rx('Oxycodone HCl 5 mg tablet', 120, 30, '2026-02-01', { id: 'oxy' });
const BENZO = rx('Alprazolam 0.5 mg tablet', 60, 30, '2026-02-11', { id: 'benzo' });
const OLD = rx('Hydrocodone bitartrate 5 mg / acetaminophen 325 mg tablet', 12, 3, '2025-09-01', { id: 'old' });

const history = (over: Partial<PmpHistory> = {}): PmpHistory => ({
  fills: [BENZO, OXY, OLD],
  warnings: [],
  alerts: [],
  retrievedAt: '2026-02-20T10:00:00Z',
  source: 'test',
  ...over,
});

let container: HTMLDivElement;

function render(h: PmpHistory, settings = DEFAULT_INDICATOR_SETTINGS) {
  ({ container } = renderNow(<PmpHistoryView history={h} settings={settings} asOf="2026-02-20" />, { query: false }));
}

const q = (sel: string) => container.querySelector(sel);

describe('PmpHistoryView', () => {
  it('shows the flags first, each with its why behind a disclosure', () => {
    render(history());
    const sections = [...container.querySelectorAll('section')].map((s) => s.getAttribute('aria-label'));
    expect(sections).toEqual(['Flags', 'Timeline', 'Fills']);
    const flag = q('[data-flag-kind="opioid-benzodiazepine-overlap"]');
    expect(flag?.querySelector('summary')?.textContent).toBe('High Opioid and benzodiazepine overlap on 20 days, including today');
    expect(flag?.querySelector('.why')?.textContent).toContain('2026-02-11 to 2026-03-02 (20 days)');
  });

  it('highlights the fills behind a flag while it is open', () => {
    render(history());
    const details = q('[data-flag-kind="opioid-benzodiazepine-overlap"] details') as HTMLDetailsElement;
    act(() => {
      details.open = true;
      details.dispatchEvent(new Event('toggle'));
    });
    const highlighted = [...container.querySelectorAll('tr.hl')].map((r) => r.children[1]?.textContent);
    expect(highlighted.sort()).toEqual(['Alprazolam 0.5 mg tablet', 'Oxycodone HCl 5 mg tablet']);
    expect(container.querySelectorAll('rect.bar.hl')).toHaveLength(2);
    act(() => {
      details.open = false;
      details.dispatchEvent(new Event('toggle'));
    });
    expect(container.querySelectorAll('tr.hl')).toHaveLength(0);
  });

  it('draws an accessible timeline: an image with a summary and the same numbers as a table', () => {
    render(history());
    const svg = q('svg[role="img"]');
    const [titleId, descId] = (svg?.getAttribute('aria-labelledby') ?? '').split(' ');
    expect(container.querySelector(`[id="${titleId ?? ''}"]`)?.textContent).toBe('Timeline of fills and MME/day');
    expect(container.querySelector(`[id="${descId ?? ''}"]`)?.textContent).toContain('Opioid dose today: 30 MME/day.');
    expect(container.querySelectorAll('rect.bar')).toHaveLength(3);
    expect(q('.chart-table summary')?.textContent).toBe('Timeline as a table');
    const rows = [...container.querySelectorAll('table.steps tbody tr')].map((r) => [...r.children].map((c) => c.textContent));
    expect(rows).toEqual([
      ['2025-09-01', '2025-09-03', '20'],
      ['2026-02-01', '2026-03-02', '30'],
    ]);
  });

  it('shows the MME/day of each fill in the table', () => {
    render(history());
    const oxyRow = [...container.querySelectorAll('tbody tr[data-testid="fill-row"]')].find((r) => r.textContent.includes('Oxycodone'));
    expect(oxyRow?.textContent).toContain('30 MME/day');
  });

  it('says what is missing from a partial answer, and still shows what came', () => {
    render(history({ warnings: ['Incomplete results: a neighbouring state PMP did not respond.'], reportUrl: 'http://pmp.test/report/1' }));
    const note = q('[aria-label="Partial PMP answer"]');
    expect(note?.textContent).toContain('a neighbouring state PMP did not respond');
    expect(note?.textContent).toContain('the 3 fills that came');
    expect(container.querySelectorAll('[data-testid="fill-row"]')).toHaveLength(3);
  });

  it('does not reassure with "no flags" when the answer is partial', () => {
    render(history({ fills: [OLD], warnings: ['Incomplete results.'] }));
    expect(q('.no-flags')?.textContent).toContain('No flags in the part of the history that came');
    expect(q('.no-flags')?.textContent).toContain('The missing part may hold some.');
  });

  it('opens the report link in a new tab without handing over the panel', () => {
    render(history({ reportUrl: 'http://pmp.test/report/1' }));
    const a = q('.report-link a');
    expect(a?.getAttribute('target')).toBe('_blank');
    expect(a?.getAttribute('rel')).toContain('noopener');
  });

  it('shows the PMP’s own alerts with the flags', () => {
    render(history({ alerts: ['Multiple provider episode: 5 or more prescribers and 5 or more pharmacies in 90 days'] }));
    expect(q('[data-flag-kind="pmp-alert"]')?.textContent).toContain('Multiple provider episode');
  });

  it('says so when nothing is flagged, and when there are no fills', () => {
    render(history({ fills: [] }));
    expect(q('.no-flags')?.textContent).toContain('No flags');
    expect(q('svg')).toBeNull();
    expect(container.textContent).toContain('No controlled-substance fills on record');
  });

  it('still lists the fills when the indicators cannot be computed', () => {
    render(history(), { ...DEFAULT_INDICATOR_SETTINGS, mmeCaution: 500, mmeHigh: 90 });
    expect(container.textContent).toContain('The indicators could not be computed');
    expect(container.querySelectorAll('[data-testid="fill-row"]')).toHaveLength(3);
  });
});
