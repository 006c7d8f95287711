import { describe, expect, it } from 'vitest';
import { filingKey, patientKeys, patientRef } from './patient';

const O = 'http://127.0.0.1:47811';
const withMrn = { name: 'Morgan Testwell', given: 'Morgan', family: 'Testwell', birthDate: '1961-04-09', mrn: 'MRN-100234' };
const noMrn = { name: 'Riley Sampleton', given: 'Riley', family: 'Sampleton', birthDate: '1990-02-03' };

describe('patient identifiers in the log', () => {
  it.each([
    ['mrn-initials-dob', { mrn: 'MRN-100234', initials: 'MT', birthDate: '1961-04-09' }],
    ['mrn-initials', { mrn: 'MRN-100234', initials: 'MT' }],
    ['mrn', { mrn: 'MRN-100234' }],
  ] as const)('setting %s keeps %j', async (which, kept) => {
    expect(await patientRef(O, withMrn, which)).toEqual({ key: `${O}|mrn:MRN-100234`, ...kept });
  });

  it('without an MRN the key is a hash: the name never reaches the log', async () => {
    const ref = await patientRef(O, noMrn, 'mrn-initials-dob');
    expect(ref.key).toMatch(new RegExp(`^${O.replace(/[.]/g, '\\.')}\\|ndh:[0-9a-f]{64}$`));
    expect(JSON.stringify(ref)).not.toMatch(/Sampleton|Riley/i);
    // Same person (any case or spacing) → same key; another DOB → another key.
    expect(await filingKey(O, { ...noMrn, family: ' SAMPLETON ' })).toBe(ref.key);
    expect(await filingKey(O, { ...noMrn, birthDate: '1990-02-04' })).not.toBe(ref.key);
  });

  it('looks reviews up under the version 1 key too', async () => {
    const keys = await patientKeys(O, noMrn);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(`${O}|nd:sampleton|riley|1990-02-03`);
    expect(await patientKeys(O, withMrn)).toEqual([`${O}|mrn:MRN-100234`]);
  });
});
