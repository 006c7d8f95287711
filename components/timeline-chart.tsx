import { useId, useMemo } from 'react';
import type { FillInfo, Indicators } from '@/lib/indicators';
import type { DoseSegment } from '@/lib/indicators/schema';
import type { Fill } from '@/lib/pmp/history';

const DAY_MS = 86_400_000;
const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const iso = (d: number): string => new Date(d * DAY_MS).toISOString().slice(0, 10);

// viewBox units; the SVG scales to the panel's width (360 px and up).
const W = 360;
const LEFT = 30;
const RIGHT = 8;
const PLOT_TOP = 16;
const PLOT_H = 84;
const LANE_GAP = 14;
const BAR_H = 7;
const BAR_GAP = 2;

/** Shown for one year back from today, plus supply that runs on past today (up to two months). */
const BACK_DAYS = 364;
const AHEAD_DAYS = 60;

const LANES = [
  ['opioid', 'Opioids'],
  ['buprenorphine', 'Buprenorphine'],
  ['benzodiazepine', 'Benzodiazepines'],
  ['stimulant', 'Stimulants'],
  ['other', 'Other controlled'],
] as const satisfies readonly (readonly [FillInfo['category'], string])[];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function niceMax(v: number): number {
  for (const step of [20, 50, 100, 200, 500, 1000]) if (v <= step * 5) return Math.ceil(v / step) * step;
  return Math.ceil(v / 1000) * 1000;
}

/** Greedy rows so bars in one lane never cover each other. */
function stack(infos: readonly FillInfo[]): { info: FillInfo; row: number }[] {
  const rowEnds: number[] = [];
  return [...infos]
    .sort((a, b) => day(a.start) - day(b.start))
    .map((info) => {
      let row = rowEnds.findIndex((end) => end < day(info.start));
      if (row === -1) row = rowEnds.length;
      rowEnds[row] = day(info.end);
      return { info, row };
    });
}

/**
 * Fills as bars (one lane per drug class) under the MME/day curve, with the caution and high
 * doses as lines and today marked. The SVG is one image for screen readers, with a summary; the
 * same numbers follow as a table.
 */
/** A dose-over-time step series as a table (the chart's accessible alternative). */
function StepTable({ caption, unit, segments, empty }: { caption: string; unit: string; segments: readonly DoseSegment[]; empty?: string }) {
  return (
    <table className="steps">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">From</th>
          <th scope="col">To</th>
          <th scope="col" className="num">
            {unit}
          </th>
        </tr>
      </thead>
      <tbody>
        {segments.length === 0 && empty ? (
          <tr>
            <td colSpan={3}>{empty}</td>
          </tr>
        ) : (
          segments.map((s) => (
            <tr key={`${s.from}:${s.fillIds.join(',')}`}>
              <td className="date">{s.from}</td>
              <td className="date">{s.to}</td>
              <td className="num">{s.value}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}

export function TimelineChart({
  indicators,
  fills,
  caution,
  high,
  highlighted,
}: {
  indicators: Indicators;
  fills: readonly Fill[];
  caution: number;
  high: number;
  highlighted: ReadonlySet<string>;
}) {
  const titleId = useId();
  const descId = useId();
  const today = day(indicators.asOf);
  const byId = useMemo(() => new Map(fills.map((f) => [f.id, f])), [fills]);
  const infos = indicators.fills;
  const latestEnd = infos.reduce((m, f) => Math.max(m, day(f.end)), -Infinity);
  const earliest = infos.reduce((m, f) => Math.min(m, day(f.start)), Infinity);
  const from = Math.max(earliest, today - BACK_DAYS);
  const to = Math.max(today, Math.min(latestEnd, today + AHEAD_DAYS));
  const shown = infos.filter((f) => day(f.end) >= from && day(f.start) <= to);
  if (shown.length === 0) {
    return <p className="empty">No fills in the last 12 months to chart.</p>;
  }

  const span = to + 1 - from;
  const x = (d: number): number => LEFT + ((Math.min(Math.max(d, from), to + 1) - from) / span) * (W - LEFT - RIGHT);
  const segments = indicators.mme.segments.filter((s) => day(s.to) >= from && day(s.from) <= to);
  const peakShown = segments.reduce((m, s) => Math.max(m, s.value), 0);
  const yMax = niceMax(Math.max(peakShown, high) * 1.1);
  const y = (v: number): number => PLOT_TOP + PLOT_H - (v / yMax) * PLOT_H;

  const lanes = LANES.map(([category, label]) => ({ category, label, bars: stack(shown.filter((f) => f.category === category)) })).filter(
    (l) => l.bars.length > 0,
  );
  let laneTop = PLOT_TOP + PLOT_H + 22;
  const laneLayout = lanes.map((l) => {
    const rows = Math.max(...l.bars.map((b) => b.row)) + 1;
    const top = laneTop;
    laneTop += LANE_GAP + rows * (BAR_H + BAR_GAP);
    return { ...l, top };
  });
  const height = laneTop + 14;

  // Month ticks: the first of each month inside the range.
  const ticks: { d: number; label: string }[] = [];
  const start = new Date(from * DAY_MS);
  for (let m = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1)); day(m.toISOString().slice(0, 10)) <= to; m = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1))) {
    const month = m.getUTCMonth();
    ticks.push({ d: day(m.toISOString().slice(0, 10)), label: month === 0 ? String(m.getUTCFullYear()) : (MONTHS[month] ?? '') });
  }
  const tickEvery = ticks.length > 8 ? 2 : 1;

  const summary = [
    `${String(shown.length)} fills from ${iso(from)} to ${iso(to)}.`,
    `Opioid dose today: ${String(indicators.mme.current)} MME/day.`,
    peakShown > 0 ? `Highest in this period: ${String(peakShown)} MME/day.` : 'No opioid with a known MME in this period.',
    indicators.buprenorphine.current > 0 ? `Buprenorphine today: ${String(indicators.buprenorphine.current)} mg/day (not converted to MME).` : '',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <figure className="timeline">
      <svg viewBox={`0 0 ${String(W)} ${String(height)}`} role="img" aria-labelledby={`${titleId} ${descId}`} className="timeline-svg">
        <title id={titleId}>Timeline of fills and MME/day</title>
        <desc id={descId}>{summary}</desc>
        {/* MME/day plot */}
        <text x={2} y={PLOT_TOP - 7} className="axis-label">
          MME/day
        </text>
        {[0, yMax / 2, yMax].map((v) => (
          <g key={v}>
            <line x1={LEFT} x2={W - RIGHT} y1={y(v)} y2={y(v)} className="grid" />
            <text x={LEFT - 3} y={y(v) + 3} className="axis-num" textAnchor="end">
              {v}
            </text>
          </g>
        ))}
        {segments.map((s) => (
          <rect
            key={`${s.from}:${s.fillIds.join(',')}`}
            x={x(day(s.from))}
            y={y(s.value)}
            width={Math.max(0.5, x(day(s.to) + 1) - x(day(s.from)))}
            height={y(0) - y(s.value)}
            className={`mme-area${s.fillIds.some((id) => highlighted.has(id)) ? ' hl' : ''}`}
          >
            <title>{`${s.from} to ${s.to}: ${String(s.value)} MME/day`}</title>
          </rect>
        ))}
        {[
          [caution, 'threshold caution'],
          [high, 'threshold high'],
        ].map(([v, cls]) => (
          <g key={String(cls)}>
            <line x1={LEFT} x2={W - RIGHT} y1={y(Number(v))} y2={y(Number(v))} className={String(cls)} />
            <text x={LEFT + 2} y={y(Number(v)) - 2} className="threshold-label">
              {String(v)}
            </text>
          </g>
        ))}
        {/* Today */}
        <line x1={x(today)} x2={x(today)} y1={PLOT_TOP - 4} y2={height - 14} className="today" />
        <text x={x(today)} y={PLOT_TOP - 7} className="today-label" textAnchor={x(today) > W - 24 ? 'end' : 'middle'}>
          today
        </text>
        {/* Fill lanes */}
        {laneLayout.map((l) => (
          <g key={l.category} className={`lane ${l.category}`}>
            <text x={2} y={l.top - 3} className="lane-label">
              {l.label}
            </text>
            {l.bars.map(({ info, row }) => {
              const f = byId.get(info.fillId.replace(/~\d+$/, ''));
              return (
                <rect
                  key={info.fillId}
                  x={x(day(info.start))}
                  y={l.top + row * (BAR_H + BAR_GAP)}
                  width={Math.max(1.5, x(day(info.end) + 1) - x(day(info.start)))}
                  height={BAR_H}
                  rx={1.5}
                  className={`bar${highlighted.has(info.fillId) ? ' hl' : ''}`}
                  data-fill-id={info.fillId}
                >
                  <title>{`${f?.drug ?? 'Fill'}: ${info.start} to ${info.end}${info.mmePerDay !== null ? `, ${String(info.mmePerDay)} MME/day` : ''}`}</title>
                </rect>
              );
            })}
          </g>
        ))}
        {/* Month axis */}
        {ticks.map((t, i) => (
          <g key={t.d}>
            <line x1={x(t.d)} x2={x(t.d)} y1={height - 16} y2={height - 12} className="tick" />
            {i % tickEvery === 0 && (
              <text x={x(t.d)} y={height - 3} className="axis-num" textAnchor="middle">
                {t.label}
              </text>
            )}
          </g>
        ))}
      </svg>
      <figcaption className="legend">
        <span className="key mme" /> MME/day (buprenorphine not included) <span className="key caution" /> {caution} <span className="key high" /> {high}
        {indicators.buprenorphine.segments.length > 0 && (
          <span className="bup-note">
            {' '}
            · Buprenorphine today: {indicators.buprenorphine.current > 0 ? `${String(indicators.buprenorphine.current)} mg/day` : 'none'} (shown apart, not converted
            to MME)
          </span>
        )}
      </figcaption>
      <details className="chart-table">
        <summary>Timeline as a table</summary>
        <StepTable caption={`MME/day over time (${iso(from)} to ${iso(to)})`} unit="MME/day" segments={segments} empty="No opioid with a known MME in this period." />
        {indicators.buprenorphine.segments.length > 0 && (
          <StepTable caption="Buprenorphine (mg/day, not MME)" unit="mg/day" segments={indicators.buprenorphine.segments} />
        )}
      </details>
    </figure>
  );
}
