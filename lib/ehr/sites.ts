import { z } from 'zod/mini'; // the content script loads this module: no classic zod (lib/messaging/content-bundle.test.ts)
import { Origin, originPattern } from './origin';

/**
 * EHR sites: origins the admin granted at run time. PMP Check holds no blanket host access;
 * its content script is registered for these origins only (and the built-in demo EHR).
 */

/** Storage key (storage.local) of the site list. */
export const SITES_KEY = 'ehrSites';

/** Which adapter reads a site: 'auto' tries the built-in EHRs, then the generic reader. */
export const AdapterChoice = z.enum(['auto', 'openemr', 'openmrs', 'generic']);
export type AdapterChoice = z.infer<typeof AdapterChoice>;

export const EhrSite = z.object({
  origin: Origin,
  adapter: z._default(AdapterChoice, 'auto'),
  addedAt: z.iso.datetime({ offset: true }),
});
export type EhrSite = z.infer<typeof EhrSite>;

/** Origins the manifest already names for the content script: never registered twice. */
export const BUILT_IN_ORIGINS: readonly string[] = ['http://127.0.0.1:47811', 'http://localhost:47811'];

/** The id of our one runtime content-script registration. */
export const SITES_SCRIPT_ID = 'pmp-check-ehr-sites';
/** The built content script (WXT writes entrypoints/ehr.content to this path). */
export const CONTENT_SCRIPT_FILE = 'content-scripts/ehr.js';

/** Reads the stored site list, dropping (not throwing on) entries that do not parse. */
export function parseSites(raw: unknown): EhrSite[] {
  if (!Array.isArray(raw)) return [];
  const out: EhrSite[] = [];
  const seen = new Set<string>();
  for (const v of raw) {
    const parsed = EhrSite.safeParse(v);
    if (parsed.success && !seen.has(parsed.data.origin)) {
      seen.add(parsed.data.origin);
      out.push(parsed.data);
    }
  }
  return out;
}

/** The subset of the chrome.* API the registration needs (injected, so tests can fake it). */
export interface RegistrationApi {
  contains: (origin: string) => Promise<boolean>;
  registered: () => Promise<{ id: string; matches?: string[] }[]>;
  register: (script: ContentScriptRegistration) => Promise<void>;
  update: (script: ContentScriptRegistration) => Promise<void>;
  unregister: (id: string) => Promise<void>;
}

export interface ContentScriptRegistration {
  id: string;
  matches: string[];
  js: string[];
  allFrames: boolean;
  runAt: 'document_idle';
  persistAcrossSessions: boolean;
}

/**
 * Makes the runtime registration match the granted sites: one content script over every site
 * the admin added AND the browser still grants (a permission revoked in chrome://extensions
 * drops its site here). Returns the origins now covered.
 */
export async function syncContentScripts(api: RegistrationApi, sites: readonly EhrSite[]): Promise<string[]> {
  const wanted: string[] = [];
  for (const s of sites) {
    if (BUILT_IN_ORIGINS.includes(s.origin)) continue;
    if (await api.contains(s.origin)) wanted.push(s.origin);
  }
  const current = (await api.registered()).find((r) => r.id === SITES_SCRIPT_ID);
  if (wanted.length === 0) {
    if (current) await api.unregister(SITES_SCRIPT_ID);
    return [];
  }
  const script: ContentScriptRegistration = {
    id: SITES_SCRIPT_ID,
    matches: wanted.map(originPattern),
    js: [CONTENT_SCRIPT_FILE],
    allFrames: true,
    runAt: 'document_idle',
    persistAcrossSessions: true,
  };
  if (!current) await api.register(script);
  else if ([...(current.matches ?? [])].sort().join(' ') !== [...script.matches].sort().join(' ')) await api.update(script);
  return wanted;
}
