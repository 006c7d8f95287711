/**
 * PDAPS citation cells repeat each source once per coded answer, joined with "; ", and give the
 * section's title after its number. The pack keeps the full distinct text and shows a short
 * form ("Conn. Gen. Stat. § 21a-254") beside reasons.
 */

/** The distinct sources in a citation cell, in first-seen order. */
export function distinctSources(cell: string): string[] {
  const parts: string[] = [];
  for (const raw of cell.split(/;\s+/)) {
    const p = raw.trim();
    if (!p) continue;
    // Titles such as "...; rules; immunity" contain "; " too: a fragment without a digit is
    // the rest of the previous title, not a new source.
    const last = parts.at(-1);
    if (!/\d/.test(p) && last !== undefined) parts[parts.length - 1] = `${last}; ${p}`;
    else parts.push(p);
  }
  return [...new Set(parts)];
}

/** A source without its section title: "Conn. Gen. Stat. § 21a-254. Designation of…" → "Conn. Gen. Stat. § 21a-254". */
export function shortSource(source: string): string {
  const s = source.trim().replace(/\s+/g, ' ');
  // The section number is a token with a digit, after at least one word (so "720 Ill. Comp.
  // Stat. 570/316" keeps its title number), followed by the first word of a title: capitalised
  // or quoted, and not an abbreviation ("Pt.") or a list item ("LIII,").
  const m = /^(.*?[A-Za-z].*?\d\S*?)\.?\s+(?=[“"(]|(?!(?:[IVXLC]+|[A-Z][a-z]{0,3})[.,]?(?:\s|$))[A-Z])/.exec(s);
  const short = (m?.[1] ?? s).replace(/[.,:;]+$/, '');
  return short.length > 0 && short.length < s.length ? short : s.replace(/[.,:;]+$/, '');
}

const SHOWN = 2;

/**
 * Short forms of the distinct sources in a cell, for display beside a reason: the first two
 * (PDAPS lists the operative section first, definitions after) and how many more there are.
 * The pack keeps every source in `fullText`.
 */
export function shortCitation(cell: string): string {
  const all = [...new Set(distinctSources(cell).map(shortSource))];
  return all.length > SHOWN ? `${all.slice(0, SHOWN).join('; ')} and ${String(all.length - SHOWN)} more` : all.join('; ');
}
