/** Every flag, in the order they are listed when equally severe. Adding a flag is adding a file and a line here. */
import type { FlagRule } from '../context';
import type { FlagKind } from '../schema';
import { earlyRefill } from './early-refill';
import { highMme } from './high-mme';
import { longActingStart } from './long-acting-start';
import { mmeIncomplete } from './mme-incomplete';
import { multipleProviderEpisode } from './multiple-provider';
import { opioidBenzodiazepineOverlap, overlappingOpioids } from './overlaps';

export const FLAG_RULES: Readonly<Record<FlagKind, FlagRule>> = {
  'opioid-benzodiazepine-overlap': opioidBenzodiazepineOverlap,
  'high-mme': highMme,
  'multiple-provider-episode': multipleProviderEpisode,
  'long-acting-start': longActingStart,
  'overlapping-opioids': overlappingOpioids,
  'early-refill': earlyRefill,
  'mme-incomplete': mmeIncomplete,
};
