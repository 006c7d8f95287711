import type { StatePack } from '../pack';
import { CT_PACK } from './ct';

/** The state packs shipped with the extension, by two-letter code. */
export const PACKS: Readonly<Record<string, StatePack>> = { CT: CT_PACK };

/** The pack for a state; an unknown state is an error the options page shows. */
export function getPack(state: string): StatePack {
  const pack = PACKS[state];
  if (!pack) throw new Error(`No rule pack for state "${state}"`);
  return pack;
}
