import { describe, expect, it } from 'vitest';
import { deletionKeys, drugTokens, withinOneEdit } from './text';

describe('drugTokens', () => {
  it.each([
    ['oxyCODONE/APAP 5-325', ['oxycodone', 'apap', '5', '325']],
    ['HYDROcodone-acetaminophen', ['hydrocodone', 'acetaminophen']],
    ['Tylenol #3', ['tylenol', 'numthree']],
    ['Tylenol No. 4', ['tylenol', 'numfour']],
    ['Tylenol w/ Codeine #2', ['tylenol', 'w', 'codeine', 'numtwo']],
    ['#30 tablets', ['30', 'tablets']],
    ['oxycodone5mg', ['oxycodone', '5', 'mg']],
    ['MSO4', ['mso', '4']],
    ['  ', []],
  ])('%j -> %j', (text, tokens) => {
    expect(drugTokens(text)).toEqual(tokens);
  });
});

describe('withinOneEdit', () => {
  it.each([
    ['oxycodone', 'oxycodone', true],
    ['oxycodne', 'oxycodone', true], // deletion
    ['oxycoddone', 'oxycodone', true], // insertion
    ['oxycodine', 'oxycodone', true], // substitution
    ['oxycdoone', 'oxycodone', true], // adjacent swap
    ['oxycdne', 'oxycodone', false],
    ['clonidine', 'clonazepam', false],
    ['codaine', 'cocaine', true],
    ['abc', 'abcde', false],
  ])('%s vs %s: %s', (a, b, expected) => {
    expect(withinOneEdit(a, b)).toBe(expected);
    expect(withinOneEdit(b, a)).toBe(expected);
  });

  it('deletion keys cover every single-letter deletion', () => {
    expect(deletionKeys('abc')).toEqual(['abc', 'bc', 'ac', 'ab']);
  });
});
