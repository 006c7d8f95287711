import type { Classification } from '../../drugs/catalogue';
import { scheduleLabel, type DrugClass, type Schedule } from '../../drugs/schedule';
import type { DrugScope } from '../pack';

function inClass(drug: Classification, cls: DrugClass): boolean {
  // The catalogue flags opioid combinations (e.g. codeine cough syrups) even when their class
  // is recorded otherwise, so the flags are read as well as the class.
  if (cls === 'opioid') return drug.opioid || drug.drugClass === 'opioid';
  if (cls === 'benzodiazepine') return drug.benzodiazepine || drug.drugClass === 'benzodiazepine';
  return drug.drugClass === cls;
}

/** Does a classified drug fall under one scope? */
export function scopeMatches(scope: DrugScope, drug: Classification): boolean {
  if (!drug.controlled || !drug.schedule || !scope.schedules.includes(drug.schedule)) return false;
  if (scope.classes && !scope.classes.some((c) => inClass(drug, c))) return false;
  if (scope.excludeClasses?.some((c) => inClass(drug, c))) return false;
  if (scope.ingredients) {
    const ingredient = drug.ingredient?.toLowerCase() ?? '';
    if (!scope.ingredients.some((i) => ingredient.includes(i.toLowerCase()))) return false;
  }
  return true;
}

/** Does a classified drug fall under any of a rule's scopes? */
export function drugCovered(scopes: readonly DrugScope[], drug: Classification): boolean {
  return scopes.some((s) => scopeMatches(s, drug));
}

const CLASS_WORDS: Partial<Record<DrugClass, string>> = {
  opioid: 'opioid',
  benzodiazepine: 'benzodiazepine',
  barbiturate: 'barbiturate',
  'muscle-relaxant': 'carisoprodol',
  stimulant: 'stimulant',
  'sedative-hypnotic': 'sedative-hypnotic',
  gabapentinoid: 'gabapentinoid',
};

const ORDER: readonly Schedule[] = ['CII', 'CIII', 'CIV', 'CV'];

/** "any controlled substance", "a Schedule II drug", "a Schedule II or III drug", "a Schedule II–IV drug". */
function schedulesText(schedules: readonly Schedule[]): string {
  const sorted = ORDER.filter((s) => schedules.includes(s));
  if (sorted.length === ORDER.length) return 'any controlled substance';
  const roman = sorted.map((s) => s.slice(1));
  const first = sorted[0];
  const last = sorted.at(-1);
  if (sorted.length === 1 && first) return `a ${scheduleLabel(first)} drug`;
  const contiguous = first !== undefined && last !== undefined && ORDER.indexOf(last) - ORDER.indexOf(first) === sorted.length - 1;
  if (contiguous && sorted.length > 2) return `a Schedule ${roman[0] ?? ''}–${roman.at(-1) ?? ''} drug`;
  return `a Schedule ${roman.slice(0, -1).join(', ')} or ${roman.at(-1) ?? ''} drug`;
}

/** Plain words for a scope: "an opioid", "a Schedule II–IV drug", "a Schedule III hydrocodone drug". */
export function describeScope(scope: DrugScope): string {
  const base = schedulesText(scope.schedules);
  const classes = scope.classes?.map((c) => CLASS_WORDS[c] ?? c);
  const parts: string[] = [];
  if (classes) {
    const allSchedules = scope.schedules.length === 4;
    const noun = classes.join(' or ');
    parts.push(allSchedules ? `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}` : `${base.replace(/ drug$/, '')} ${noun}`);
  } else {
    parts.push(base);
  }
  if (scope.ingredients) parts.push(`containing ${scope.ingredients.join(' or ')}`);
  if (scope.excludeClasses) parts.push(`(not ${scope.excludeClasses.map((c) => CLASS_WORDS[c] ?? c).join(' or ')})`);
  return parts.join(' ');
}

/** Plain words for all of a rule's scopes. */
export function describeScopes(scopes: readonly DrugScope[]): string {
  return scopes.map(describeScope).join(', or ');
}

/**
 * How a reason names the drug: by the class the rule is about ("an opioid") when its scope is a
 * class, else by the drug's schedule ("a Schedule II drug").
 */
export function drugWords(scopes: readonly DrugScope[], drug: Classification): string {
  const scope = scopes.find((s) => scopeMatches(s, drug));
  const cls = scope?.classes?.find((c) => inClass(drug, c));
  if (cls) {
    const noun = CLASS_WORDS[cls] ?? cls;
    return `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
  }
  return drug.schedule ? `a ${scheduleLabel(drug.schedule)} drug` : 'a controlled substance';
}
