/**
 * A small RxCUI/NDC map for the demo EHR and tests. SYNTHETIC codes: the RxCUIs sit above the
 * range RxNorm has issued so far (7 digits starting 99) and the NDCs use labeler 99999; they are
 * format-correct but must never be read as real product codes. A deployment replaces this map
 * with one built from RxNorm (RXNSAT DEA schedule attributes) rather than editing it by hand.
 */
export type CodeTarget =
  | { kind: 'entry'; entryId: string }
  | { kind: 'uncontrolled'; ingredient: string };

export const DEMO_RXCUI: Readonly<Record<string, CodeTarget>> = {
  '9900001': { kind: 'entry', entryId: 'oxycodone-apap' },
  '9900002': { kind: 'entry', entryId: 'hydrocodone-apap' },
  '9900003': { kind: 'entry', entryId: 'oxycodone' },
  '9900004': { kind: 'entry', entryId: 'alprazolam' },
  '9900005': { kind: 'entry', entryId: 'lorazepam' },
  '9900006': { kind: 'entry', entryId: 'codeine-apap' },
  '9900007': { kind: 'entry', entryId: 'codeine-antitussive' },
  '9900008': { kind: 'entry', entryId: 'tramadol' },
  '9900009': { kind: 'entry', entryId: 'pregabalin' },
  '9900010': { kind: 'entry', entryId: 'buprenorphine-naloxone' },
  '9900011': { kind: 'entry', entryId: 'fentanyl-transdermal' },
  '9900012': { kind: 'entry', entryId: 'zolpidem' },
  '9900013': { kind: 'entry', entryId: 'amphetamine-mixed-salts' },
  '9900014': { kind: 'entry', entryId: 'butalbital-apap-caffeine' },
  '9900101': { kind: 'uncontrolled', ingredient: 'gabapentin' },
  '9900102': { kind: 'uncontrolled', ingredient: 'amoxicillin' },
  '9900103': { kind: 'uncontrolled', ingredient: 'ibuprofen' },
};

/** Keyed by the 11-digit NDC without hyphens (5-4-2). */
export const DEMO_NDC: Readonly<Record<string, CodeTarget>> = {
  '99999000101': { kind: 'entry', entryId: 'oxycodone-apap' },
  '99999000201': { kind: 'entry', entryId: 'hydrocodone-apap' },
  '99999000401': { kind: 'entry', entryId: 'alprazolam' },
  '99999000601': { kind: 'entry', entryId: 'codeine-apap' },
  '99999000701': { kind: 'entry', entryId: 'codeine-antitussive' },
  '99999000901': { kind: 'entry', entryId: 'pregabalin' },
  '99999010101': { kind: 'uncontrolled', ingredient: 'gabapentin' },
  '99999010201': { kind: 'uncontrolled', ingredient: 'amoxicillin' },
};

/**
 * An NDC as its 11-digit 5-4-2 form, or null. Hyphenated 10-digit forms (4-4-2, 5-3-2, 5-4-1)
 * are padded in the segment that is short; bare 10 digits are ambiguous and are not guessed.
 */
export function normalizeNdc(ndc: string): string | null {
  const trimmed = ndc.trim();
  const parts = trimmed.split('-');
  if (parts.length === 3 && parts.every((p) => /^\d+$/.test(p))) {
    const [a = '', b = '', c = ''] = parts;
    if (a.length > 5 || b.length > 4 || c.length > 2) return null;
    const out = a.padStart(5, '0') + b.padStart(4, '0') + c.padStart(2, '0');
    return a.length + b.length + c.length >= 10 ? out : null;
  }
  const digits = trimmed.replace(/\s+/g, '');
  return /^\d{11}$/.test(digits) ? digits : null;
}
