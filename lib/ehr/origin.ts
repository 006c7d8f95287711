import { z } from 'zod/mini'; // the content script loads this module: no classic zod (lib/messaging/content-bundle.test.ts)

// A real host name or address: no wildcards, nothing a match pattern could widen.
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$|^\[[0-9a-f:.]+\]$/i;

/** An http(s) origin as the browser writes it ("https://ehr.example.org", "http://127.0.0.1:8080"). */
export const Origin = z.string().check(
  z.trim(),
  z.refine((s: string) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === s && HOST.test(u.hostname);
    } catch {
      return false;
    }
  }, 'An origin is scheme, host and port only, e.g. https://ehr.example.org'),
);

/** What an admin typed ("ehr.example.org/openemr/…", "https://x:8443/") as an origin, or a reason it is not one. */
export function toOrigin(input: string): { ok: true; origin: string } | { ok: false; error: string } {
  const text = input.trim();
  if (!text) return { ok: false, error: 'Enter the EHR address, e.g. https://ehr.example.org' };
  if (text.includes('*')) return { ok: false, error: 'Give one EHR address, without wildcards: PMP Check never asks for access to every site' };
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { ok: false, error: `“${text}” is not a web address` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, error: 'Only http:// and https:// EHR addresses can be added' };
  if (!url.hostname || !HOST.test(url.hostname)) return { ok: false, error: `“${text}” has no valid host name` };
  return { ok: true, origin: url.origin };
}

/** The match pattern that grants (or registers scripts for) one origin. */
export function originPattern(origin: string): string {
  return `${origin}/*`;
}
