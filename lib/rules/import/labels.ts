/**
 * The answer labels PDAPS uses in each multi-valued column (from the codebooks). Cells join
 * labels with ", ", and several labels contain commas themselves ("Authorized agent, delegate,
 * or designee"), so a cell is read by matching known labels, longest first. A label the
 * codebook does not know stops the import: an unknown answer must never be dropped silently.
 */

const EXCEPTIONS = [
  'Terminally ill patients under the supervised care of a hospice program',
  'Prescriptions related to cancer treatment',
  'Post-surgical prescriptions',
  'No exceptions from the mandate to check the PDMP',
];

const SCHEDULE_FREQ = (roman: string) => [
  'Prior to issuing a replacement prescription',
  'Initial prescriptions',
  'Every prescription',
  'Monthly',
  'Every 3 months',
  'Every 4 months',
  'Every 12 months',
  'Transitioning from pain classifications',
  `Prescriber not required to check for a Schedule ${roman} substance`,
];

export const LABELS: Readonly<Record<string, readonly string[]>> = {
  PDMP_csfreq: ['Initial prescriptions', 'Every prescription', 'Every 3 months', 'Every 6 months', 'Every 12 months', 'Prescribing more than a 72-hour supply'],
  PDMP_csexcpt: EXCEPTIONS,
  PDMP_opfreqnew: [
    'Patient request for prescription in Emergency Department',
    'Patient request for prescription in Urgent Care',
    'Initial prescriptions',
    'Every prescription',
    'Every 3 months',
    'Frequency of PDMP checks not required for new patients',
  ],
  PDMP_opfreqrest: [
    'Patient request for prescription in Emergency Department',
    'Patient request for prescription in Urgent Care',
    'Patient request for prescription renewal in Emergency Department',
    'Patient request for prescription renewal in Urgent Care',
    'Every prescription',
    'When patient transitions between different pain levels',
    'Every 3 months',
    'Every 6 months',
    'Every 12 months',
    'Authorizing refills',
    'Frequency of PDMP checks not required for established patients',
  ],
  PDMP_opexcpt: EXCEPTIONS,
  PDMP_benzfreq: [
    'Initial prescriptions',
    'Every prescription',
    'When patient transitions between different pain levels',
    'Every 3 months',
    'Every 6 months',
    'Every 12 months',
    'Authorizing refills',
  ],
  PDMP_benzexcpt: EXCEPTIONS,
  PDMP_sched: ['Schedule II', 'Schedule III', 'Schedule IV', 'Schedule V'],
  PDMP_schedII: SCHEDULE_FREQ('II'),
  PDMP_schedIII: SCHEDULE_FREQ('III'),
  PDMP_schedIV: SCHEDULE_FREQ('IV'),
  PDMP_schedV: SCHEDULE_FREQ('V'),
  PDMP_schedexcpt: EXCEPTIONS,
  PDMP_dchkcir: ['Every patient, every time', 'New patients only', 'All chronic pain patients'],
  PDMP_delkind: [
    'Nurse practitioners',
    'Physician assistants',
    'Registered nurses',
    'Administrative assistants',
    'Health care professionals',
    'Authorized agent, delegate, or designee',
    'Type of delegate not specified',
  ],
};

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The labels in one cell, in the order written; throws on text the codebook does not define. */
export function splitLabels(column: string, cell: string): string[] {
  const known = LABELS[column];
  if (!known) throw new Error(`No codebook labels for column ${column}`);
  const sorted = [...known].sort((a, b) => b.length - a.length);
  const out: string[] = [];
  let rest = norm(cell);
  while (rest.length > 0) {
    const hit = sorted.find((l) => rest === l || rest.startsWith(`${l},`) || rest.startsWith(`${l} ,`));
    if (!hit) throw new Error(`${column}: "${rest}" is not an answer the codebook defines`);
    out.push(hit);
    rest = rest.slice(hit.length).replace(/^\s*,\s*/, '');
  }
  return out;
}
