import type { EhrAdapter, PageLocation } from '../adapter';
import { mappingFor, type FieldMapping } from '../mapping';
import type { EhrSite } from '../sites';
import { demoEhr } from './demo-ehr';
import { generic } from './generic';
import { mappedAdapter } from './mapped';
import { openEmr } from './openemr';
import { openMrs } from './openmrs';

/** Built-in adapters, most specific first. Adding an EHR is adding a file and a line here. */
export const ADAPTERS: readonly EhrAdapter[] = [openEmr, openMrs, demoEhr];

export interface PickOptions {
  /** Field mappings saved by the admin (any origin; the one for this page is chosen here). */
  mappings?: readonly FieldMapping[];
  /** The granted site this page belongs to, when it is one (its adapter choice is honoured). */
  site?: EhrSite;
}

/**
 * The adapter for this page: an admin's field mapping first (it is explicit), then the site's
 * chosen adapter, then a built-in EHR that recognises the page, then the generic reader.
 * The content script only runs on the demo EHR and on origins the admin granted.
 */
export function pickAdapter(loc: PageLocation, options: PickOptions = {}): EhrAdapter {
  const mapping = mappingFor(options.mappings ?? [], loc);
  if (mapping) return mappedAdapter(mapping);
  const chosen = options.site?.adapter;
  if (chosen === 'generic') return generic;
  if (chosen && chosen !== 'auto') {
    const byId = ADAPTERS.find((a) => a.id === chosen);
    if (byId) return byId;
  }
  return ADAPTERS.find((a) => a.matches(loc)) ?? generic;
}
