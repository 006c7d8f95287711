import { StatePack } from '../pack';
import ct from './verified/ct.json';

/**
 * Connecticut, checked by hand: CGS 21a-254(j) as added by PA 15-198 and amended by PA 16-43,
 * and the opioid supply limits of CGS 20-14o. Sources: ../shared/DOMAIN.md (Connecticut).
 * This is the verified pack alone; getPack('CT') overlays it on the PDAPS baseline.
 */
export const CT_PACK: StatePack = StatePack.parse(ct);
