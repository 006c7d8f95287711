import { describe, expect, it } from 'vitest';
import { classifyDrug } from './catalogue';
import { CatalogueEntry, citationCaveats, ENTRIES, PARAGRAPH_CAVEATS } from './entries';

// Facts checked against the CFR and Federal Register texts named in entries.ts (CITATION SOURCES).
// null in the last column: the CFR gives no code for the item, or the code was not confirmed.

function entry(id: string): CatalogueEntry {
  const found = ENTRIES.find((e) => e.id === id);
  if (!found) throw new Error(`no catalogue entry ${id}`);
  return found;
}

describe('federal citations checked against the CFR', () => {
  it.each([
    // Schedule II, 1308.12
    ['oxycodone', 'CII', '21 CFR 1308.12(b)(1)', '9143'],
    ['oxycodone-apap', 'CII', '21 CFR 1308.12(b)(1)', '9143'],
    ['hydrocodone-apap', 'CII', '21 CFR 1308.12(b)(1)', '9193'],
    ['hydrocodone-antitussive', 'CII', '21 CFR 1308.12(b)(1)', '9193'],
    ['morphine', 'CII', '21 CFR 1308.12(b)(1)', '9300'],
    ['codeine', 'CII', '21 CFR 1308.12(b)(1)', '9050'],
    ['opium', 'CII', '21 CFR 1308.12(b)(1)', '9630'],
    ['benzhydrocodone-apap', 'CII', '21 CFR 1308.12', null],
    ['cocaine', 'CII', '21 CFR 1308.12(b)(4)', '9041'],
    ['dihydrocodeine', 'CII', '21 CFR 1308.12(c)', '9120'],
    ['diphenoxylate', 'CII', '21 CFR 1308.12(c)', '9170'],
    ['fentanyl', 'CII', '21 CFR 1308.12(c)', '9801'],
    ['tapentadol', 'CII', '21 CFR 1308.12(c)', '9780'],
    ['oliceridine', 'CII', '21 CFR 1308.12(c)', '9245'],
    ['meperidine', 'CII', '21 CFR 1308.12(c)', '9230'],
    ['dextroamphetamine', 'CII', '21 CFR 1308.12(d)', '1100'],
    ['lisdexamfetamine', 'CII', '21 CFR 1308.12(d)', '1205'],
    ['methylphenidate', 'CII', '21 CFR 1308.12(d)', '1724'],
    ['dexmethylphenidate', 'CII', '21 CFR 1308.12(d)', null],
    ['pentobarbital', 'CII', '21 CFR 1308.12(e)', '2270'],
    ['nabilone', 'CII', '21 CFR 1308.12(f)(1)', '7379'],
    ['dronabinol-solution', 'CII', '21 CFR 1308.12(f)(2)', '7365'],
    // Schedule III, 1308.13
    ['phendimetrazine', 'CIII', '21 CFR 1308.13(b)', '1615'],
    ['ketamine', 'CIII', '21 CFR 1308.13(c)', '7285'],
    ['esketamine', 'CIII', '21 CFR 1308.13(c)', '7285'],
    ['sodium-oxybate', 'CIII', '21 CFR 1308.13(c)', '2012'],
    ['perampanel', 'CIII', '21 CFR 1308.13(c)', '2261'],
    ['butalbital', 'CIII', '21 CFR 1308.13(c)(3)', '2100'],
    ['butalbital-aspirin-caffeine', 'CIII', '21 CFR 1308.13(c)(3)', '2100'],
    ['butabarbital', 'CIII', '21 CFR 1308.13(c)(3)', '2100'],
    ['codeine-apap', 'CIII', '21 CFR 1308.13(e)(1)', '9804'],
    ['codeine-butalbital-apap', 'CIII', '21 CFR 1308.13(e)(1)', '9804'],
    ['codeine-butalbital-aspirin', 'CIII', '21 CFR 1308.13(e)(1)', '9804'],
    ['codeine-carisoprodol', 'CIII', '21 CFR 1308.13(e)(1)', '9804'],
    ['codeine-combination', 'CIII', '21 CFR 1308.13(e)(1)', '9804'],
    ['dihydrocodeine-apap-caffeine', 'CIII', '21 CFR 1308.13(e)(1)', '9807'],
    ['dihydrocodeine-aspirin-caffeine', 'CIII', '21 CFR 1308.13(e)(1)', '9807'],
    ['paregoric', 'CIII', '21 CFR 1308.13(e)(1)', '9809'],
    ['buprenorphine-naloxone', 'CIII', '21 CFR 1308.13(e)(2)', '9064'],
    ['testosterone', 'CIII', '21 CFR 1308.13(f)', '4000'],
    ['dronabinol', 'CIII', '21 CFR 1308.13(g)(1)', '7369'],
    // Schedule IV, 1308.14
    ['difenoxin-atropine', 'CIV', '21 CFR 1308.14(b)(1)', '9167'],
    ['propoxyphene', 'CIV', '21 CFR 1308.14(b)(2)', '9278'],
    ['tramadol', 'CIV', '21 CFR 1308.14(b)(3)', '9752'],
    ['brexanolone', 'CIV', '21 CFR 1308.14(c)', '2400'],
    ['daridorexant', 'CIV', '21 CFR 1308.14(c)', '2410'],
    ['lemborexant', 'CIV', '21 CFR 1308.14(c)', '2245'],
    ['eszopiclone', 'CIV', '21 CFR 1308.14(c)', '2784'],
    ['carisoprodol', 'CIV', '21 CFR 1308.14(c)', '8192'],
    ['methohexital', 'CIV', '21 CFR 1308.14(c)', '2264'],
    ['remimazolam', 'CIV', '21 CFR 1308.14(c)', '2846'],
    ['zuranolone', 'CIV', '21 CFR 1308.14', null],
    ['armodafinil', 'CIV', '21 CFR 1308.14(f)', '1680'],
    ['serdexmethylphenidate', 'CIV', '21 CFR 1308.14(f)', '1729'],
    ['solriamfetol', 'CIV', '21 CFR 1308.14(f)', '1650'],
    ['eluxadoline', 'CIV', '21 CFR 1308.14(g)', '9725'],
    ['butorphanol', 'CIV', '21 CFR 1308.14(g)', '9720'],
    // Schedule V, 1308.15
    ['codeine-antitussive', 'CV', '21 CFR 1308.15(c)(1)', null],
    ['codeine-apap-solution', 'CV', '21 CFR 1308.15(c)(1)', null],
    ['dihydrocodeine-antitussive', 'CV', '21 CFR 1308.15(c)(2)', null],
    ['diphenoxylate-atropine', 'CV', '21 CFR 1308.15(c)(4)', null],
    ['pregabalin', 'CV', '21 CFR 1308.15(e)', '2782'],
    ['lacosamide', 'CV', '21 CFR 1308.15(e)', '2746'],
    ['brivaracetam', 'CV', '21 CFR 1308.15(e)', '2710'],
    ['cenobamate', 'CV', '21 CFR 1308.15', null],
    ['ganaxolone', 'CV', '21 CFR 1308.15', null],
    // Exempted products: no schedule, no code
    ['butalbital-apap-caffeine', null, '21 CFR 1308.32 (exempted prescription product)', null],
    ['butalbital-apap', null, '21 CFR 1308.32 (exempted prescription product)', null],
    ['esterified-estrogens-methyltestosterone', null, '21 CFR 1308.34 (exempt anabolic steroid product)', null],
  ] as const)('%s: %s, %s, code %s', (id, schedule, source, deaCode) => {
    const e = entry(id);
    expect(e.schedule).toBe(schedule);
    expect(e.source).toBe(source);
    expect(e.deaCode ?? null).toBe(deaCode);
  });

  // Code numbers per paragraph, as printed in the CFR text checked. Every code an entry carries must
  // appear here under the paragraph the entry cites, so a wrong paragraph or code cannot pass.
  const CODES_BY_PARAGRAPH: Readonly<Record<string, readonly string[]>> = {
    '21 CFR 1308.12(b)(1)': ['9050', '9143', '9150', '9193', '9300', '9630', '9652'],
    '21 CFR 1308.12(b)(4)': ['9041'],
    '21 CFR 1308.12(c)': ['9120', '9170', '9220', '9230', '9245', '9250', '9737', '9739', '9740', '9780', '9801'],
    '21 CFR 1308.12(d)': ['1100', '1105', '1205', '1631', '1724'],
    '21 CFR 1308.12(e)': ['2125', '2270', '2315'],
    '21 CFR 1308.12(f)(1)': ['7379'],
    '21 CFR 1308.12(f)(2)': ['7365'],
    '21 CFR 1308.13(b)': ['1228', '1615'],
    '21 CFR 1308.13(c)': ['2012', '2261', '7285', '7295'],
    '21 CFR 1308.13(c)(3)': ['2100'],
    '21 CFR 1308.13(e)(1)': ['9804', '9807', '9809'],
    '21 CFR 1308.13(e)(2)': ['9064'],
    '21 CFR 1308.13(f)': ['4000'],
    '21 CFR 1308.13(g)(1)': ['7369'],
    '21 CFR 1308.14(b)(1)': ['9167'],
    '21 CFR 1308.14(b)(2)': ['9278'],
    '21 CFR 1308.14(b)(3)': ['9752'],
    '21 CFR 1308.14(c)': [
      '2138', '2223', '2245', '2250', '2264', '2285', '2400', '2410', '2465', '2540', '2731', '2737',
      '2744', '2748', '2751', '2756', '2762', '2763', '2764', '2765', '2767', '2768', '2781', '2783',
      '2784', '2820', '2834', '2835', '2846', '2881', '2882', '2884', '2885', '2887', '2925', '8192',
    ],
    '21 CFR 1308.14(f)': ['1530', '1605', '1610', '1640', '1650', '1675', '1680', '1729'],
    '21 CFR 1308.14(g)': ['9709', '9720', '9725'],
    '21 CFR 1308.15(e)': ['2710', '2746', '2782'],
  };

  it('gives every code number the paragraph the CFR lists it under', () => {
    const withCode = ENTRIES.filter((e) => e.deaCode !== undefined);
    expect(withCode.length).toBeGreaterThanOrEqual(150);
    for (const e of withCode) expect(CODES_BY_PARAGRAPH[e.source] ?? [], e.id).toContain(e.deaCode);
  });

  it('lists each code under one paragraph only (the table itself is consistent)', () => {
    const seen = new Map<string, string>();
    for (const [paragraph, codes] of Object.entries(CODES_BY_PARAGRAPH)) {
      for (const code of codes) {
        expect(seen.get(code), `${code} in ${paragraph}`).toBeUndefined();
        seen.set(code, paragraph);
      }
    }
  });

  it('gives entries of one ingredient and paragraph one code', () => {
    const codes = new Map<string, Set<string>>();
    for (const e of ENTRIES) {
      if (e.deaCode === undefined) continue;
      const key = `${e.ingredient} ${e.source}`;
      const set = codes.get(key) ?? new Set<string>();
      set.add(e.deaCode);
      codes.set(key, set);
    }
    for (const [key, set] of codes) expect(set.size, key).toBe(1);
  });

  it('carries no code for Schedule V narcotic preparations or exempted products (the CFR gives none)', () => {
    for (const e of ENTRIES) {
      if (e.source.startsWith('21 CFR 1308.15(c)') || e.schedule === null) expect(e.deaCode, e.id).toBeUndefined();
    }
  });
});

describe('what could not be confirmed is marked', () => {
  it('marks exactly these entries as unconfirmed', () => {
    const marked = ENTRIES.filter((e) => e.unconfirmed !== undefined).map((e) => e.id).sort();
    expect(marked).toEqual([
      'benzhydrocodone-apap',
      'butalbital-apap',
      'butalbital-apap-caffeine',
      'cenobamate',
      'esterified-estrogens-methyltestosterone',
      'ganaxolone',
      'zuranolone',
    ]);
  });

  it('cites only the section when the paragraph is not confirmed, and says so', () => {
    for (const e of ENTRIES) {
      if (/^21 CFR 1308\.1[2-5]$/.test(e.source)) expect(e.unconfirmed, e.id).toMatch(/not (seen|confirmed)/);
    }
  });

  it.each([
    ['phentermine', 1],
    ['pentazocine', 1],
    ['zuranolone', 1],
    ['butalbital-apap-caffeine', 1],
    ['oxycodone', 0],
    ['dronabinol-solution', 0],
    ['codeine-apap', 0],
  ] as const)('%s has %i caveat(s)', (id, count) => {
    const caveats = citationCaveats(entry(id));
    expect(caveats).toHaveLength(count);
    for (const caveat of caveats) expect(caveat.length).toBeGreaterThan(20);
  });

  it('keys paragraph caveats by citations that entries actually use', () => {
    const sources = new Set(ENTRIES.map((e) => e.source));
    for (const source of Object.keys(PARAGRAPH_CAVEATS)) expect(sources.has(source), source).toBe(true);
  });
});

describe('corrected citations reach the classification', () => {
  it.each([
    ['Syndros 5 mg/mL', 'CII', '21 CFR 1308.12(f)(2)'],
    ['Marinol 2.5 mg', 'CIII', '21 CFR 1308.13(g)(1)'],
    ['Zurzuvae 50 mg', 'CIV', '21 CFR 1308.14'],
    ['Ztalmy 50 mg/mL', 'CV', '21 CFR 1308.15'],
    ['Xcopri 100 mg', 'CV', '21 CFR 1308.15'],
    ['Trezix', 'CIII', '21 CFR 1308.13(e)(1)'],
    ['Apadaz 6.12-325', 'CII', '21 CFR 1308.12'],
  ] as const)('%s -> %s, %s', (text, schedule, source) => {
    const c = classifyDrug(text);
    expect(c.schedule).toBe(schedule);
    expect(c.source).toBe(source);
  });
});

describe('CatalogueEntry rejects bad citation fields', () => {
  const valid = entry('oxycodone');

  it('accepts the entry as it is', () => {
    expect(CatalogueEntry.safeParse(valid).success).toBe(true);
  });

  it.each([
    ['three digits', { deaCode: '914' }],
    ['five digits', { deaCode: '91430' }],
    ['letters', { deaCode: 'abcd' }],
    ['a number, not a string', { deaCode: 9143 }],
    ['code with a trailing dot as printed in some CFR tables', { deaCode: '1205.' }],
    ['an empty caveat', { unconfirmed: '' }],
    ['a caveat too short to say anything', { unconfirmed: 'unsure' }],
    ['a source outside part 1308', { source: '21 CFR 1306.04' }],
  ])('rejects %s', (_label, patch) => {
    expect(CatalogueEntry.safeParse({ ...valid, ...patch }).success).toBe(false);
  });
});
