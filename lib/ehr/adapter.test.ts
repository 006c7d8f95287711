import { describe, expect, it } from 'vitest';
import { ageYears, compact, hintConflicts, isoDate, numberOf, refillsOf, splitName, toPatient } from './adapter';

const MORGAN = { name: 'Morgan Testwell', given: 'Morgan', family: 'Testwell', birthDate: '1961-04-09', mrn: 'MRN-100234' };

describe('field helpers', () => {
  it.each([
    ['#40', 40],
    ['40', 40],
    [' 30 tabs', 30],
    ['2.5', 2.5],
    ['1,000', 1000],
    ['thirty (30)', 30],
    ['thirty', 30],
    ['0', undefined],
    ['abc', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('numberOf(%j) → %j', (text, n) => {
    expect(numberOf(text)).toBe(n);
  });

  it.each([
    ['0', 0],
    ['02', 2],
    ['3 refills', 3],
    ['none', undefined],
    [undefined, undefined],
  ])('refillsOf(%j) → %j', (text, n) => {
    expect(refillsOf(text)).toBe(n);
  });

  it.each([
    ['04/09/1961', '1961-04-09'],
    ['4/9/1961 (65 y)', '1961-04-09'],
    ['1961-04-09', '1961-04-09'],
    [' DOB: 1975-02-14 Age: 50', '1975-02-14'],
    ['09-Apr-1961', '1961-04-09'],
    ['09 — Apr — 1961', '1961-04-09'],
    ['Female · 64 yrs · 09 — Apr — 1961', '1961-04-09'],
    ['9 April 1961', '1961-04-09'],
    ['Apr 9, 1961', '1961-04-09'],
    ['13/45/1961', undefined],
    ['April 9', undefined],
    ['64 yrs', undefined],
    [undefined, undefined],
  ])('isoDate(%j) → %j', (text, iso) => {
    expect(isoDate(text)).toBe(iso);
  });

  it.each([
    ['Testwell, Morgan', { given: 'Morgan', family: 'Testwell' }],
    ['Testwell, Morgan A', { given: 'Morgan', family: 'Testwell' }],
    ['Morgan Testwell', { given: 'Morgan', family: 'Testwell' }],
    ['Morgan', undefined],
    [',', undefined],
  ])('splitName(%j)', (text, parts) => {
    expect(splitName(text)).toEqual(parts);
  });

  it('builds a patient from banner text, and refuses one without a name or DOB', () => {
    expect(toPatient('Testwell, Morgan', 'DOB: 04/09/1961', { mrn: ' MRN-100234 ', sex: 'F' })).toEqual({ ...MORGAN, gender: 'female' });
    expect(toPatient('Morgan Testwell', undefined)).toBeNull();
    expect(toPatient(undefined, '1961-04-09')).toBeNull();
    expect(toPatient('Morgan Testwell', '1961-04-09', { sex: 'unknown' })).not.toHaveProperty('gender');
  });

  it.each([
    [undefined, false],
    [{}, false],
    [{ name: 'Testwell, Morgan', birthDate: '1961-04-09' }, false],
    [{ mrn: 'mrn-100234' }, false],
    [{ name: 'Mockford, Riley' }, true],
    [{ birthDate: '1975-02-14' }, true],
    [{ mrn: '100301' }, true],
    [{ name: 'Morgan' }, false],
  ])('hint %j conflicts with the banner patient → %s', (hint, conflicts) => {
    expect(hintConflicts(hint, MORGAN)).toBe(conflicts);
  });

  it.each([
    ['1961-04-09', new Date(2026, 3, 8), 64],
    ['1961-04-09', new Date(2026, 3, 9), 65],
    ['2010-12-31', new Date(2026, 10, 22), 15],
    ['2030-01-01', new Date(2026, 10, 22), undefined],
    ['not a date', new Date(2026, 10, 22), undefined],
  ])('ageYears(%j on %s) → %j', (dob, now, age) => {
    expect(ageYears(dob, now)).toBe(age);
  });

  it('compact drops undefined values only', () => {
    expect(compact({ a: 1, b: undefined, c: 0, d: '' })).toEqual({ a: 1, c: 0, d: '' });
    expect(Object.keys(compact({ a: undefined }))).toEqual([]);
  });
});
