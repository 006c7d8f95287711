/**
 * PDAPS "State Laws Limiting Prescriptions for Opioid Analgesics" → supply-limit advisories.
 * Per period: a limit for adults (or everyone) and, where the law treats minors apart, one for
 * minors. Which prescriptions (opio_restri_*) become the cases a limit covers, joined with "or";
 * "outpatient use", a named setting and named schedules narrow it. The extract gives no statute,
 * so limits cite PDAPS itself.
 * Not modelled (kept with their wording): quantity and MME caps, limits on opioids given with
 * benzodiazepines, exempt kinds of prescriber, urgent-care and walk-in settings, and "the fewest
 * number of days" (a standard, not a number). Several day limits in one period are cases PDAPS
 * does not tell apart: the shortest is used and the others are named.
 */
import type { LimitCase, LimitExceptionKind, NotModelled, SupplyLimit } from '../pack';
import type { AnswerTally } from './pdaps-mandates';

export interface LimitRow {
  effective: string;
  through: string;
  cells: Readonly<Record<string, string>>;
}

export interface LimitItems {
  limits: SupplyLimit[];
  notModelled: NotModelled[];
  answers: AnswerTally[];
}

export const LIMITS_CITATION = 'PDAPS opioid-limits coding (no statute in the extract)';

const on = (row: LimitRow, column: string) => (row.cells[column] ?? '').trim() === '1';

function daysIn(row: LimitRow, prefix: string): number[] {
  const out: number[] = [];
  for (const [k, v] of Object.entries(row.cells)) {
    const m = new RegExp(`^${prefix}(\\d+) days\\s*$`).exec(k);
    if (m?.[1] && v.trim() === '1') out.push(Number(m[1]));
  }
  return out.sort((a, b) => a - b);
}

const EXCEPTION_KINDS: readonly [string, LimitExceptionKind][] = [
  ['Palliative care', 'palliative'],
  ['Cancer-related pain', 'cancer'],
  ['Substance use disorder', 'substance-use-disorder'],
  ['Chronic pain', 'chronic-pain'],
  ['Traumatic injuries', 'trauma'],
  ['Professional judgment', 'professional-judgment'],
  ['Emergency department care', 'emergency-department'],
  ['Post-operative care', 'post-surgical'],
  ['Surgery with prolonged pain needs', 'post-surgical'],
  ['Travel barrier', 'other'],
  ['Nursing facility', 'nursing-facility'],
  ['Burns', 'trauma'],
  ['Prescription issued by pain management specialist', 'other'],
  ['Clinical trial', 'other'],
  ['Infants with neonatal abstinence syndrome', 'other'],
  ['Inpatient care', 'inpatient'],
  ['Allergic reaction to initial prescription', 'other'],
  ['Sickle cell anemia', 'sickle-cell'],
  ['Acute medical condition', 'acute-condition'],
  ['Other exceptions as determined by the Department of Health', 'other'],
];

const ADULT_CASES: readonly [string, LimitCase][] = [
  ['opio_restri_All opioid prescriptions', 'any'],
  ['opio_restri_All initial prescriptions', 'initial'],
  ['opio_restri_Initial prescriptions for acute pain', 'initial-acute-pain'],
  ['opio_restri_All prescriptions for acute pain', 'acute-pain'],
];
const MINOR_CASES: readonly [string, LimitCase][] = [
  ['opio_restri_All opioid prescriptions for minors', 'any'],
  ['opio_restri_All initial prescriptions for minors', 'initial'],
  ['opio_restri_Initial prescriptions for acute pain for minors', 'initial-acute-pain'],
  ['opio_restri_All prescriptions for acute pain for minors', 'acute-pain'],
];

/** "any" covers every other case, and "acute pain" covers "initial, for acute pain". */
function simplify(cases: LimitCase[]): LimitCase[] {
  if (cases.includes('any')) return ['any'];
  let out = [...new Set(cases)];
  if (out.includes('acute-pain') || out.includes('initial')) out = out.filter((c) => c !== 'initial-acute-pain');
  return out;
}

/** The limits and unmodelled answers one period of the limits CSV codes. */
export function limitItemsForRow(row: LimitRow, st: string): LimitItems {
  const out: LimitItems = { limits: [], notModelled: [], answers: [] };
  const citation = { statute: LIMITS_CITATION, effective: row.effective, through: row.through };
  const unmodelled = (question: string, answer: string, reason: string) => {
    out.notModelled.push({ question, answer, reason, prescriber: true, area: 'limit', citation });
    out.answers.push({ question, label: answer, modelled: false });
  };
  if (!on(row, 'opio_')) {
    out.answers.push({ question: 'opio_', label: 'No', modelled: true });
    return out;
  }
  out.answers.push({ question: 'opio_', label: 'Yes', modelled: true });

  const exceptions = EXCEPTION_KINDS.filter(([label]) => on(row, `opio_exempt_condit_${label}`) || on(row, `opio_exempt_condit_${label} `)).map(
    ([label, kind]) => ({ kind, wording: label }),
  );
  for (const e of exceptions) out.answers.push({ question: 'opio_exempt_condit', label: e.wording, modelled: true });

  const schedules = (
    [
      ['opio_schedu_Schedule II', 'CII'],
      ['opio_schedu_Schedule III', 'CIII'],
      ['opio_schedu_Schedule IV', 'CIV'],
      ['opio_schedu_Schedule V', 'CV'],
    ] as const
  )
    .filter(([col]) => on(row, col))
    .map(([, s]) => s);
  const namedSchedules = on(row, 'opio_restri_Prescriptions for specified DEA Schedule') || schedules.length > 0;
  for (const s of schedules) out.answers.push({ question: 'opio_schedu', label: s, modelled: true });

  const settingLimited = on(row, 'opio_settin') || on(row, 'opio_restri_Prescriptions for a specified health care setting');
  const ed = on(row, 'opio_applys_Emergency department');
  if (ed) out.answers.push({ question: 'opio_applys', label: 'Emergency department', modelled: true });
  for (const place of ['Urgent care center', 'Walk-in clinic']) {
    if (on(row, `opio_applys_${place}`)) unmodelled('opio_applys', `The limit applies in: ${place}`, 'Orders carry no urgent-care or walk-in setting.');
  }
  if (on(row, 'opio_restri_Opioids prescribed concurrently with benzodiazepines')) {
    unmodelled('opio_restri', 'Opioids prescribed concurrently with benzodiazepines', 'The engine does not see the patient’s other prescriptions when it reads an order.');
  }
  if (on(row, 'opio_prescr123')) {
    const which = [on(row, 'opio_prescr1234_20 doses') ? '20 doses' : '', on(row, 'opio_prescr1234_No greater quantity than needed') ? 'no greater quantity than needed' : '']
      .filter(Boolean)
      .join(', ');
    unmodelled('opio_prescr123', `A quantity limit${which ? `: ${which}` : ''}`, 'Only day-supply limits are modelled.');
  }
  if (on(row, 'opio_prescr12345')) unmodelled('opio_prescr12345', 'A total-dosage limit (MME per prescription)', 'Only day-supply limits are modelled.');
  if (on(row, 'opio_doseli')) unmodelled('opio_doseli', 'A daily-dosage limit (MME per day)', 'Only day-supply limits are modelled.');
  if (on(row, 'opio_exempt')) unmodelled('opio_exempt', 'Some kinds of prescriber are exempt from the limit', 'The engine does not know the prescriber’s specialty.');
  if (on(row, 'opio_maxnumber_Fewest number of days')) {
    unmodelled('opio_maxnumber', 'Fewest number of days', 'A standard of care (“no more than needed”), not a number of days.');
  }

  const adultDays = on(row, 'opio_prescr1') && !on(row, 'opio_maxnumber_Law only limits maximum supply for minors') ? daysIn(row, 'opio_maxnumber_') : [];
  const minorDays = on(row, 'opio_limitm') ? daysIn(row, 'opio_prescr12_') : [];
  const minorCases = simplify(MINOR_CASES.filter(([col]) => on(row, col)).map(([, c]) => c));
  const minorOutpatient = on(row, 'opio_restri_Prescriptions for outpatient use for minors');
  const minorsApart = minorDays.length > 0 || minorCases.length > 0 || minorOutpatient;
  for (const d of adultDays) out.answers.push({ question: 'opio_maxnumber', label: `${String(d)} days`, modelled: true });
  for (const d of minorDays) out.answers.push({ question: 'opio_prescr12', label: `${String(d)} days`, modelled: true });
  if (!on(row, 'opio_prescr1')) {
    out.answers.push({ question: 'opio_prescr1', label: 'No duration limit', modelled: true });
  }

  const common = {
    outpatientOnly: false,
    exceptions,
    verified: false,
    origin: 'pdaps' as const,
    citation,
    ...(settingLimited && ed ? { settings: ['ed' as const] } : {}),
    ...(namedSchedules && schedules.length ? { schedules } : {}),
  };
  const adultCases = simplify(ADULT_CASES.filter(([col]) => on(row, col)).map(([, c]) => c));
  const [adultMax, ...adultOthers] = adultDays;
  if (adultMax !== undefined) {
    out.limits.push({
      ...common,
      id: `${st}-opioid-limit${minorsApart ? '-adults' : ''}`,
      title: `Opioid supply limit${minorsApart ? ' for adults' : ''}: ${String(adultMax)} days`,
      population: minorsApart ? 'adults' : 'everyone',
      cases: adultCases.length ? adultCases : ['any'],
      outpatientOnly: on(row, 'opio_restri_Prescriptions for outpatient use'),
      maxDays: adultMax,
      otherLimitsDays: adultOthers,
    });
  }
  // Minors: their own limit when the law sets one, else the adult limit for the cases it names.
  const [minorMax, ...minorOthers] = minorDays.length ? minorDays : minorCases.length || minorOutpatient ? adultDays : [];
  if (minorMax !== undefined) {
    out.limits.push({
      ...common,
      id: `${st}-opioid-limit-minors`,
      title: `Opioid supply limit for minors: ${String(minorMax)} days`,
      population: 'minors',
      cases: minorCases.length ? minorCases : ['any'],
      outpatientOnly: minorOutpatient,
      maxDays: minorMax,
      otherLimitsDays: minorOthers,
    });
  }
  // Which prescriptions are limited: modelled when a day limit carries them (the quantity and
  // dosage limits they may belong to are listed as not modelled above).
  for (const [col, value] of Object.entries(row.cells)) {
    if (!col.startsWith('opio_restri_') || value.trim() !== '1' || col.includes('concurrently with benzodiazepines')) continue;
    const forMinors = col.endsWith('for minors');
    const carried = forMinors ? minorMax !== undefined : adultMax !== undefined;
    out.answers.push({ question: 'opio_restri', label: col.replace('opio_restri_', ''), modelled: carried });
  }
  // Which prescriptions are limited: modelled when a day limit carries them (the quantity and
  // dosage limits they may belong to are listed as not modelled above).
  for (const [col, value] of Object.entries(row.cells)) {
    if (!col.startsWith('opio_restri_') || value.trim() !== '1' || col.includes('concurrently with benzodiazepines')) continue;
    const forMinors = col.endsWith('for minors');
    const carried = forMinors ? minorMax !== undefined : adultMax !== undefined;
    out.answers.push({ question: 'opio_restri', label: col.replace('opio_restri_', ''), modelled: carried });
  }
  return out;
}
