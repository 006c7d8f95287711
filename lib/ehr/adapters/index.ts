import type { EhrAdapter } from '../adapter';
import { demoEhr } from './demo-ehr';

/** Built-in adapters, most specific first. Adding an EHR is adding a file and a line here. */
export const ADAPTERS: readonly EhrAdapter[] = [demoEhr];

/** The adapter for this page, or undefined (the content script then stays silent). */
export function pickAdapter(loc: Pick<Location, 'origin' | 'pathname' | 'hostname' | 'port'>): EhrAdapter | undefined {
  return ADAPTERS.find((a) => a.matches(loc));
}
