/** Longest drug text worth reading: an EHR drug field is short, and this bounds the work per call. */
const MAX_TEXT = 400;

const TYLENOL_NUMBER: Readonly<Record<string, string>> = { '2': 'numtwo', '3': 'numthree', '4': 'numfour' };

/**
 * Lower-case word tokens of a drug name as typed: 'oxyCODONE/APAP 5-325' -> oxycodone apap 5 325.
 * '#3' and 'No. 3' (the Tylenol-with-codeine numbers) become 'numthree' so they cannot be
 * confused with a strength; letters and digits glued together are split ('oxycodone5mg').
 */
export function drugTokens(text: string): string[] {
  let s = (text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text).toLowerCase();
  s = s.replace(/(?:#|\bno\.?)\s*([234])(?![\d.])/g, (_m, d: string) => ` ${TYLENOL_NUMBER[d] ?? ''} `);
  s = s.replace(/([a-z])(\d)/g, '$1 $2').replace(/(\d)([a-z])/g, '$1 $2');
  return s.split(/[^a-z0-9]+/).filter((t) => t.length > 0);
}

/** Split a catalogue name into tokens the same way, so names and text always agree. */
export function nameKey(name: string): string {
  return drugTokens(name).join(' ');
}

/**
 * True when a and b differ by at most one insertion, deletion, substitution or swap of two
 * adjacent letters (the typos people make). Linear time; no matrix.
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    // substitution at i, or transposition of i and i+1
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  // one insertion/deletion at i
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** The word itself and every string one deletion away: the keys of a typo index (SymSpell style). */
export function deletionKeys(word: string): string[] {
  const keys = [word];
  for (let i = 0; i < word.length; i++) keys.push(word.slice(0, i) + word.slice(i + 1));
  return keys;
}
