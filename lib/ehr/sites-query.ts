import { queryOptions } from '@tanstack/react-query';
import { browser } from 'wxt/browser';
import { originPattern } from './origin';
import { loadMappings, loadSites } from './site-store';
import type { EhrSite } from './sites';

export const ehrKeys = {
  all: ['ehr'] as const,
  sites: () => [...ehrKeys.all, 'sites'] as const,
  mappings: () => [...ehrKeys.all, 'mappings'] as const,
};

export interface SiteStatus extends EhrSite {
  /** The browser still grants the origin (an admin can revoke it in chrome://extensions). */
  granted: boolean;
}

/** The granted EHR sites, each with whether the browser still grants it. */
export function sitesQueryOptions() {
  return queryOptions({
    queryKey: ehrKeys.sites(),
    queryFn: async (): Promise<SiteStatus[]> => {
      const sites = await loadSites();
      return Promise.all(
        sites.map(async (s) => ({ ...s, granted: await browser.permissions.contains({ origins: [originPattern(s.origin)] }).catch(() => false) })),
      );
    },
  });
}

/** The admins' saved field mappings. */
export function mappingsQueryOptions() {
  return queryOptions({ queryKey: ehrKeys.mappings(), queryFn: loadMappings });
}
