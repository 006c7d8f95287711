import { browser } from 'wxt/browser';
import { mappingKey, mergeMappings, MAPPINGS_KEY, parseStoredMappings, type FieldMapping } from './mapping';
import { EhrSite, parseSites, SITES_KEY, type AdapterChoice } from './sites';

/**
 * The granted EHR sites and the admins' field mappings, in extension storage (storage.local:
 * the content script reads the same keys). Every read is parsed; a bad entry is dropped, never
 * trusted. Extension contexts only write here (options page, background).
 */

/** The granted EHR sites. */
export async function loadSites(): Promise<EhrSite[]> {
  const raw = await browser.storage.local.get(SITES_KEY);
  return parseSites(raw[SITES_KEY]);
}

/** Adds (or re-chooses the adapter of) a site. The caller has already been granted the origin. */
export async function addSite(origin: string, adapter: AdapterChoice = 'auto', now = new Date()): Promise<EhrSite[]> {
  const site = EhrSite.parse({ origin, adapter, addedAt: now.toISOString() });
  const sites = (await loadSites()).filter((s) => s.origin !== site.origin);
  const next = [...sites, site];
  await browser.storage.local.set({ [SITES_KEY]: next });
  return next;
}

/** Removes a site from the list (its permission is revoked separately, by the caller). */
export async function removeSite(origin: string): Promise<EhrSite[]> {
  const next = (await loadSites()).filter((s) => s.origin !== origin);
  await browser.storage.local.set({ [SITES_KEY]: next });
  return next;
}

/** Every saved field mapping. */
export async function loadMappings(): Promise<FieldMapping[]> {
  const raw = await browser.storage.local.get(MAPPINGS_KEY);
  return parseStoredMappings(raw[MAPPINGS_KEY]);
}

/** Saves mappings (new ones replace older ones for the same origin and path prefix). */
export async function saveMappings(incoming: readonly FieldMapping[]): Promise<FieldMapping[]> {
  const raw = await browser.storage.local.get(MAPPINGS_KEY);
  const merged = mergeMappings(raw[MAPPINGS_KEY], incoming);
  await browser.storage.local.set({ [MAPPINGS_KEY]: merged });
  return Object.values(merged);
}

/** Deletes one mapping. */
export async function removeMapping(m: Pick<FieldMapping, 'origin' | 'pathPrefix'>): Promise<FieldMapping[]> {
  const kept = (await loadMappings()).filter((x) => mappingKey(x) !== mappingKey(m));
  await browser.storage.local.set({ [MAPPINGS_KEY]: Object.fromEntries(kept.map((x) => [mappingKey(x), x])) });
  return kept;
}
