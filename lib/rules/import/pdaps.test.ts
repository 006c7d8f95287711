// @vitest-environment node
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JURISDICTIONS } from '../jurisdictions';
import { shortSource, distinctSources } from './citation';
import { parseCsv } from './csv';
import { generatedFiles } from './generate';
import { splitLabels } from './labels';
import { importPdaps } from './pdaps';

const ROOT = resolve(import.meta.dirname, '../../..');
const SOURCE = join(ROOT, 'lib/rules/import/source');
const read = (name: string) => readFileSync(join(SOURCE, name), 'utf8');

describe('the committed packs are what the CSVs give', () => {
  const result = importPdaps(read('pdmp-mandates-2014-2019.csv'), read('opioid-prescribing-limits-2014-2019.csv'));

  it('regenerates every file with no difference', () => {
    const files = generatedFiles(result.packs);
    expect(files).toHaveLength(52);
    for (const [rel, text] of files) {
      const path = join(ROOT, rel);
      expect(existsSync(path), `${rel} is committed`).toBe(true);
      expect(readFileSync(path, 'utf8'), `${rel} matches a fresh import (run npm run import-pdaps)`).toBe(text);
    }
  });

  it('counts its coverage for all 51 jurisdictions, and keeps every answer it cannot model', () => {
    expect(result.coverage.map((c) => c.state)).toEqual(JURISDICTIONS.map((j) => j.code));
    for (const [i, c] of result.coverage.entries()) {
      const pack = result.packs[i];
      expect(c.modelled + c.notModelled, c.state).toBeGreaterThan(0);
      const review = pack?.notModelled.filter((n) => n.area === 'review').length ?? 0;
      const limit = pack?.notModelled.filter((n) => n.area === 'limit').length ?? 0;
      // Each not-modelled answer sits in the pack (several answers may share one entry).
      if (c.notModelled > 0) expect(review, `${c.state} review`).toBeGreaterThan(0);
      if (c.limitNotModelled > 0) expect(limit, `${c.state} limits`).toBeGreaterThan(0);
    }
    const total = result.coverage.reduce((n, c) => n + c.modelled + c.notModelled + c.limitModelled + c.limitNotModelled, 0);
    expect(total).toBeGreaterThan(1000);
  });

  it('dates every rule and leaves the newest law open-ended', () => {
    for (const p of result.packs) {
      for (const r of p.rules) {
        expect(r.origin).toBe('pdaps');
        expect(r.verified).toBe(false);
        if (r.citation.through) expect(r.citation.through >= r.citation.effective, r.id).toBe(true);
        expect(r.citation.through === '2019-12-31', `${r.id} should be open-ended`).toBe(false);
      }
      expect(p.provenance).toMatchObject({ kind: 'pdaps', statement: 'Coded from the law in force to 2019-12-31 (PDAPS), not verified since.', codedThrough: '2019-12-31' });
    }
  });

  it('never has the same rule in force twice on one day', () => {
    for (const p of result.packs) {
      const byId = new Map<string, { effective: string; through?: string | undefined }[]>();
      for (const r of p.rules) byId.set(r.id, [...(byId.get(r.id) ?? []), r.citation]);
      for (const [id, periods] of byId) {
        const sorted = [...periods].sort((a, b) => (a.effective < b.effective ? -1 : 1));
        for (let i = 1; i < sorted.length; i++) expect((sorted[i - 1]?.through ?? '9999') < (sorted[i]?.effective ?? ''), `${p.state} ${id}`).toBe(true);
      }
    }
  });
});

// A small CSV in PDAPS's layout, to show each mapping on its own.
const HEADER = ['Jurisdictions', 'Effective Date', 'Valid Through Date', 'PDMP_any', 'PDMP_csgenchk', 'PDMP_csfreq', 'PDMP_csexcpt', '_citation_PDMP_csfreq', 'PDMP_opchk', 'PDMP_opfreqnew', 'PDMP_opfreqrest', 'PDMP_opexcpt', 'PDMP_del', 'PDMP_delkind', 'PDMP_suschk'];
const row = (cells: Record<string, string>) => HEADER.map((h) => JSON.stringify(cells[h] ?? '')).join(',');
const minimal = (rows: Record<string, string>[], state = 'Connecticut') => {
  const others = JURISDICTIONS.filter((j) => j.name !== state).map((j) => row({ Jurisdictions: j.name, 'Effective Date': '2014-01-01', 'Valid Through Date': '2019-12-31', PDMP_any: '0' }));
  return [HEADER.join(','), ...rows.map((r) => row({ Jurisdictions: state, ...r })), ...others].join('\n');
};
const NO_LIMITS = 'Jurisdiction,Effective Date,Valid Through Date,opio_\n';

describe('mapping PDAPS answers', () => {
  it('turns answers into rules, exemptions and a delegate policy, merging identical periods', () => {
    const csv = minimal([
      { 'Effective Date': '2014-01-01', 'Valid Through Date': '2015-09-30', PDMP_any: '0', PDMP_del: '0' },
      { 'Effective Date': '2015-10-01', 'Valid Through Date': '2016-12-31', PDMP_any: '1', PDMP_csgenchk: '1', PDMP_csfreq: 'Every 3 months, Prescribing more than a 72-hour supply', PDMP_csexcpt: 'Terminally ill patients under the supervised care of a hospice program', _citation_PDMP_csfreq: 'Conn. Gen. Stat. § 21a-254. Designation of restricted drugs', PDMP_del: '1', PDMP_delkind: 'Authorized agent, delegate, or designee' },
      { 'Effective Date': '2017-01-01', 'Valid Through Date': '2019-12-31', PDMP_any: '1', PDMP_csgenchk: '1', PDMP_csfreq: 'Every 3 months, Prescribing more than a 72-hour supply', PDMP_csexcpt: 'Terminally ill patients under the supervised care of a hospice program', _citation_PDMP_csfreq: 'Conn. Gen. Stat. § 21a-254. Designation of restricted drugs', PDMP_del: '1', PDMP_delkind: 'Authorized agent, delegate, or designee', PDMP_suschk: '1' },
    ]);
    const { packs, coverage } = importPdaps(csv, NO_LIMITS);
    const ct = packs.find((p) => p.state === 'CT');
    expect(ct?.rules.map((r) => [r.id, r.type, r.citation.statute, r.citation.effective, r.citation.through])).toEqual([
      ['ct-cs-72h-supply', 'supply-over', 'Conn. Gen. Stat. § 21a-254', '2015-10-01', undefined],
      ['ct-cs-periodic', 'periodic-review', 'Conn. Gen. Stat. § 21a-254', '2015-10-01', undefined],
    ]);
    expect(ct?.rules[0]?.exemptions).toEqual([{ kind: 'hospice', wording: 'Terminally ill patients under the supervised care of a hospice program' }]);
    expect(ct?.delegates.map((d) => [d.allowed, d.kinds, d.citation.effective, d.citation.through])).toEqual([
      [false, [], '2014-01-01', '2015-09-30'],
      [true, ['Authorized agent, delegate, or designee'], '2015-10-01', undefined],
    ]);
    expect(ct?.notModelled.map((n) => [n.question, n.citation.effective])).toEqual([['PDMP_suschk', '2017-01-01']]);
    expect(coverage.find((c) => c.state === 'CT')).toMatchObject({ notModelled: 1 });
  });

  it.each<[string, Record<string, string>, string[]]>([
    ['new and established "Every prescription" join', { PDMP_opfreqnew: 'Every prescription', PDMP_opfreqrest: 'Every prescription' }, ['ct-opioid-every-rx:every-prescription']],
    ['initial + every 3 and 12 months: the shortest interval binds', { PDMP_opfreqnew: 'Initial prescriptions', PDMP_opfreqrest: 'Every 3 months, Every 12 months' }, ['ct-opioid-initial:initial-prescription', 'ct-opioid-periodic:periodic-review']],
    ['refills', { PDMP_opfreqnew: 'Frequency of PDMP checks not required for new patients', PDMP_opfreqrest: 'Authorizing refills' }, ['ct-opioid-refills:refill-authorization']],
    ['an ED request for an established patient', { PDMP_opfreqnew: 'Initial prescriptions', PDMP_opfreqrest: 'Patient request for prescription renewal in Emergency Department' }, ['ct-opioid-ed-continuing:every-prescription', 'ct-opioid-initial:initial-prescription']],
  ])('opioids: %s', (_name, cells, rules) => {
    const csv = minimal([{ 'Effective Date': '2014-01-01', 'Valid Through Date': '2019-12-31', PDMP_any: '1', PDMP_opchk: '1', PDMP_opexcpt: 'No exceptions from the mandate to check the PDMP', ...cells }]);
    const ct = importPdaps(csv, NO_LIMITS).packs.find((p) => p.state === 'CT');
    expect(ct?.rules.map((r) => `${r.id}:${r.type}`)).toEqual(rules);
  });

  it('keeps what it cannot model, with the wording (urgent care, pain levels)', () => {
    const csv = minimal([{ 'Effective Date': '2014-01-01', 'Valid Through Date': '2019-12-31', PDMP_any: '1', PDMP_opchk: '1', PDMP_opfreqnew: 'Frequency of PDMP checks not required for new patients', PDMP_opfreqrest: 'Patient request for prescription renewal in Urgent Care, When patient transitions between different pain levels', PDMP_opexcpt: 'No exceptions from the mandate to check the PDMP' }]);
    const { packs, coverage } = importPdaps(csv, NO_LIMITS);
    const ct = packs.find((p) => p.state === 'CT');
    expect(ct?.rules).toEqual([]);
    expect(ct?.notModelled.map((n) => n.answer)).toEqual([
      'A mandate to check the PMP exists, but PDAPS codes no drugs or frequency for prescribers',
      'Opioids: Patient request for prescription renewal in Urgent Care',
      'Opioids: When patient transitions between different pain levels',
    ]);
    expect(coverage.find((c) => c.state === 'CT')?.notModelled).toBe(3);
  });

  it.each<[string, string, string, string]>([
    ['an answer the codebook does not define', minimal([{ 'Effective Date': '2014-01-01', 'Valid Through Date': '2019-12-31', PDMP_any: '1', PDMP_csgenchk: '1', PDMP_csfreq: 'Every full moon' }]), NO_LIMITS, 'PDMP_csfreq: "Every full moon" is not an answer the codebook defines'],
    ['a jurisdiction it does not know', minimal([{ 'Effective Date': '2014-01-01', 'Valid Through Date': '2019-12-31' }], 'Atlantis'), NO_LIMITS, 'Unknown jurisdiction in the mandates CSV: "Atlantis"'],
    ['a limits row without a valid period', minimal([{ 'Effective Date': '2014-01-01', 'Valid Through Date': '2019-12-31', PDMP_any: '0' }]), `${NO_LIMITS}Connecticut,2019-02-29,2019-12-31,0\n`, 'Connecticut: a limits row has no valid period'],
    ['a row without a valid period', minimal([{ 'Effective Date': '2014-13-01', 'Valid Through Date': '2019-12-31' }]), NO_LIMITS, 'Connecticut: a row has no valid period'],
    ['a state with no rows', minimal([]).split('\n').filter((l) => !l.startsWith('"Connecticut"')).join('\n'), NO_LIMITS, 'The mandates CSV has no rows for Connecticut'],
    ['a ragged row', `${HEADER.join(',')}\n"Connecticut","2014-01-01"`, NO_LIMITS, 'CSV line 2 has 2 fields; the header has 15'],
  ])('stops on %s', (_name, mandates, limits, message) => {
    expect(() => importPdaps(mandates, limits)).toThrow(message);
  });
});

describe('CSV', () => {
  it.each<[string, string, Record<string, string>[]]>([
    ['plain', 'a,b\n1,2\n', [{ a: '1', b: '2' }]],
    ['quoted commas and quotes', 'a,b\n"x, y","say ""hi"""\n', [{ a: 'x, y', b: 'say "hi"' }]],
    ['a newline inside quotes, CRLF rows', 'a,b\r\n"line 1\nline 2",2\r\n', [{ a: 'line 1\nline 2', b: '2' }]],
    ['a byte-order mark and no final newline', '\uFEFFa,b\n1,2', [{ a: '1', b: '2' }]],
    ['empty fields', 'a,b,c\n,,\n', [{ a: '', b: '', c: '' }]],
    ['only a header', 'a,b\n', []],
    ['nothing', '', []],
  ])('%s', (_name, text, rows) => {
    expect(parseCsv(text)).toEqual(rows);
  });
  it('stops inside an unterminated quote', () => {
    expect(() => parseCsv('a,b\n"open,2\n')).toThrow('CSV ends inside a quoted field');
  });
});

describe('answer labels', () => {
  it.each<[string, string, string[]]>([
    ['PDMP_delkind', 'Authorized agent, delegate, or designee', ['Authorized agent, delegate, or designee']],
    ['PDMP_delkind', 'Health care professionals, Authorized agent, delegate, or designee', ['Health care professionals', 'Authorized agent, delegate, or designee']],
    ['PDMP_opfreqnew', 'Patient request for prescription in Emergency Department , Patient request for prescription in Urgent Care, Initial prescriptions', ['Patient request for prescription in Emergency Department', 'Patient request for prescription in Urgent Care', 'Initial prescriptions']],
    ['PDMP_schedIV', 'Every 12 months, Transitioning from pain classifications ', ['Every 12 months', 'Transitioning from pain classifications']],
    ['PDMP_csfreq', '', []],
  ])('%s "%s"', (column, cell, labels) => {
    expect(splitLabels(column, cell)).toEqual(labels);
  });
  it('refuses a column it has no labels for', () => {
    expect(() => splitLabels('PDMP_nope', 'x')).toThrow('No codebook labels for column PDMP_nope');
  });
});

describe('citations', () => {
  it.each([
    ['Conn. Gen. Stat. § 21a-254. Designation of restricted drugs or substances by regulations.', 'Conn. Gen. Stat. § 21a-254'],
    ['720 Ill. Comp. Stat. 570/316 Prescription monitoring program', '720 Ill. Comp. Stat. 570/316'],
    ['La. Admin. Code tit. 46 Pt. LIII, § 2917 Authorized Direct Access Users', 'La. Admin. Code tit. 46 Pt. LIII, § 2917'],
    ['Haw. Rev. Stat. § 329-1. Definitions.', 'Haw. Rev. Stat. § 329-1'],
    ['Department of Public Health #17-2-670 “Narcotic Drug” Definition Clarification', 'Department of Public Health #17-2-670'],
    ['Tex. Health & Safety Code § 481.0764. Duties of Prescribers', 'Tex. Health & Safety Code § 481.0764'],
  ])('%s → %s', (source, short) => {
    expect(shortSource(source)).toBe(short);
  });
  it('keeps each source once and titles that contain "; " whole', () => {
    expect(
      distinctSources('Mich. Comp. Laws § 333.16215. Delegation; supervision; rules; Mich. Comp. Laws § 333.16215. Delegation; supervision; rules; Mich. Comp. Laws § 333.7333a. Electronic monitoring'),
    ).toEqual(['Mich. Comp. Laws § 333.16215. Delegation; supervision; rules', 'Mich. Comp. Laws § 333.7333a. Electronic monitoring']);
  });
});
