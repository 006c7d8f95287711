import { describe, expect, it } from 'vitest';
import { runInput } from '../commands';

describe('cli classify', () => {
  it.each([
    ['Percocet 5/325', { controlled: true, schedule: 'CII', ingredient: 'oxycodone', class: 'opioid' }],
    ['ALPRAZolam 0.5 mg', { controlled: true, schedule: 'CIV', class: 'benzodiazepine' }],
    ['naloxone 4 mg nasal spray', { controlled: false, class: null }],
  ])('%s', (drug, expected) => {
    const r = runInput('classify', JSON.stringify({ drug }));
    expect(r.ok && r.value).toMatchObject(expected);
  });
});
