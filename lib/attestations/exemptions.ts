import { z } from 'zod';
import type { StatePack } from '../rules/pack';
import type { Exemption } from './schema';

// Read defensively: the pack's exemption lists are data, and a malformed one must not stop an attestation.
const RuleExemptions = z.array(z.object({ kind: z.string().min(1), wording: z.string().min(1), citation: z.string().optional() })).catch([]);

/**
 * The exemptions the state grants for these rules (all rules when none are named), in the
 * state's own wording, once each. "PMP unavailable" is left out: it is its own outcome, with
 * its follow-up review. Connecticut grants no other.
 */
export function exemptionsOf(pack: StatePack, ruleIds?: readonly string[]): Exemption[] {
  const out = new Map<string, Exemption>();
  for (const rule of pack.rules as readonly (StatePack['rules'][number] & { exemptions?: unknown; citation: { statute: string } })[]) {
    if (ruleIds && !ruleIds.includes(rule.id)) continue;
    for (const e of RuleExemptions.parse(rule.exemptions)) {
      if (e.kind === 'pmp-unavailable' || out.has(e.kind)) continue;
      out.set(e.kind, { id: e.kind, text: e.wording, citation: e.citation ?? rule.citation.statute });
    }
  }
  return [...out.values()];
}
