import { z } from 'zod/mini'; // the content script loads this module: no classic zod (lib/messaging/content-bundle.test.ts)

/** Federal schedules a prescriber can write for (Schedule I has no accepted medical use). */
export const Schedule = z.enum(['CII', 'CIII', 'CIV', 'CV']);
export type Schedule = z.infer<typeof Schedule>;

/**
 * Broad pharmacological class. Rules key on it (e.g. TX: opioids, benzodiazepines, barbiturates,
 * carisoprodol), so it describes why a drug is controlled, not every use it has.
 */
export const DrugClass = z.enum([
  'opioid',
  'benzodiazepine',
  'stimulant',
  'sedative-hypnotic',
  'barbiturate',
  'muscle-relaxant',
  'anabolic-steroid',
  'gabapentinoid',
  'anticonvulsant',
  'antidiarrheal',
  'cannabinoid',
  'anesthetic',
  'weight-loss',
  'other',
]);
export type DrugClass = z.infer<typeof DrugClass>;

const NUMBERS = { CII: 2, CIII: 3, CIV: 4, CV: 5 } as const satisfies Record<Schedule, 2 | 3 | 4 | 5>;
const LABELS = {
  CII: 'Schedule II',
  CIII: 'Schedule III',
  CIV: 'Schedule IV',
  CV: 'Schedule V',
} as const satisfies Record<Schedule, string>;

/** The schedule as a number, so rules can say "Schedule II through IV" as a range. */
export function scheduleNumber(s: Schedule): 2 | 3 | 4 | 5 {
  return NUMBERS[s];
}

/** Human label, e.g. 'Schedule II'. */
export function scheduleLabel(s: Schedule): string {
  return LABELS[s];
}

/** True when `a` is at least as strictly controlled as `b` (CII is the strictest here). */
export function isStricterOrEqual(a: Schedule, b: Schedule): boolean {
  return NUMBERS[a] <= NUMBERS[b];
}
