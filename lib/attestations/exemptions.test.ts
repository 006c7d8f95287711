import { describe, expect, it } from 'vitest';
import type { StatePack } from '../rules/pack';
import { CT_PACK } from '../rules/packs/ct';
import { exemptionsOf } from './exemptions';

const withExemptions = (exemptions: unknown[][]): StatePack =>
  ({ ...CT_PACK, rules: CT_PACK.rules.map((r, i) => ({ ...r, exemptions: exemptions[i] ?? [] })) }) as StatePack;

describe('exemptionsOf', () => {
  it('Connecticut grants none but the PMP being down, which is its own outcome', () => {
    expect(exemptionsOf(CT_PACK)).toEqual([]);
    expect(exemptionsOf(withExemptions([[{ kind: 'pmp-unavailable', wording: 'the PMP is not operational' }]]))).toEqual([]);
  });
  it("reads the rules' exemptions in the state's wording, once each, for the rules named", () => {
    const id0 = CT_PACK.rules[0]?.id ?? '';
    const pack = withExemptions([
      [{ kind: 'hospice', wording: 'The patient is in hospice care', citation: 'X § 1(a)' }],
      [{ kind: 'hospice', wording: 'again' }, { kind: 'cancer', wording: 'Treatment of cancer pain' }],
    ]);
    expect(exemptionsOf(pack)).toEqual([
      { id: 'hospice', text: 'The patient is in hospice care', citation: 'X § 1(a)' },
      { id: 'cancer', text: 'Treatment of cancer pain', citation: CT_PACK.rules[1]?.citation.statute },
    ]);
    expect(exemptionsOf(pack, [id0]).map((e) => e.id)).toEqual(['hospice']);
  });
  it('a malformed list counts as none rather than crashing', () => {
    expect(exemptionsOf(withExemptions([[{ kind: '' }]]))).toEqual([]);
  });
});
