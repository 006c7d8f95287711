/** Opioid fills the MME total leaves out (no factor, unreadable strength): the total may be low. */
import { describeFill, plural, type FlagRule } from '../context';
import type { Why } from '../schema';

const MAX_WHY = 10;

export const mmeIncomplete: FlagRule = ({ items }) => {
  const missing = items.filter((i) => i.info.category === 'opioid' && i.info.mmePerDay === null);
  if (missing.length === 0) return null;
  const why: Why[] = [...missing]
    .reverse()
    .slice(0, MAX_WHY)
    .map((i) => ({ text: `${describeFill(i)}: ${i.info.mmeProblem ?? 'no MME'}`, fillIds: [i.id], from: i.info.start, to: i.info.end }));
  if (missing.length > MAX_WHY) why.push({ text: `and ${String(missing.length - MAX_WHY)} more`, fillIds: [] });
  return {
    kind: 'mme-incomplete',
    severity: 'info',
    title: `MME/day leaves out ${plural(missing.length, 'opioid fill')}: the total may be understated`,
    why,
    fillIds: missing.map((i) => i.id),
  };
};
