import { z } from 'zod';
import { storage } from 'wxt/utils/storage';
import { Role } from '../attestations/schema';
import { DEFAULT_INDICATOR_SETTINGS, IndicatorSettings } from '../indicators/settings';
import { ContinuousTherapySource } from '../rules/context';
import { DEFAULT_SMART_SCOPE, PrivateJwk, isAcceptableTokenUrl } from '../pmp/smart';

export const DEMO_PMP_URL = 'http://127.0.0.1:47810';
export const DEMO_PMP_TOKEN = 'demo-token';

export const Identity = z.object({
  userId: z.string().min(1),
  name: z.string().trim().min(2, 'Enter your full name'),
  role: Role,
  npi: z.string().regex(/^\d{10}$/, 'An NPI has 10 digits').optional(),
  dea: z.string().regex(/^[A-Z]{2}\d{7}$/, 'A DEA number is 2 letters and 7 digits').optional(),
});
export type Identity = z.infer<typeof Identity>;

export const BUNDLED_PMP_LABEL = 'Bundled synthetic PMP (demo data)';

/** The PMP that ships inside the extension: synthetic patients, no network (lib/pmp/bundled.ts). */
export const BundledPmpConnection = z.object({
  kind: z.literal('bundled'),
  label: z.string().default(BUNDLED_PMP_LABEL),
});

function isLoopback(url: string): boolean {
  // zod runs this refinement even after the url check failed, so a bad URL must not throw here.
  try {
    return /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

/**
 * How the extension signs in to a FHIR PDMP: not at all, a bearer token the PMP issued, or SMART
 * Backend Services (client_credentials with a private_key_jwt assertion; lib/pmp/smart.ts). The
 * private key lives here, in chrome.storage.local only (settingsItem is never sync storage).
 */
export const PmpAuth = z.discriminatedUnion(
  'mode',
  [
    z.object({ mode: z.literal('none') }),
    z.object({ mode: z.literal('bearer'), token: z.string().trim().min(1, 'Enter the bearer token the PMP issued') }),
    z.object({
      mode: z.literal('smart-backend'),
      clientId: z.string().trim().min(1, 'Enter the client ID the PMP registered for this extension').max(200, 'A client ID has at most 200 characters'),
      scope: z.string().trim().min(1, `Enter the scopes to ask for, e.g. ${DEFAULT_SMART_SCOPE}`),
      /** Found through `<base>/.well-known/smart-configuration` when left out. */
      tokenUrl: z
        .string()
        .trim()
        .refine(isAcceptableTokenUrl, 'Enter the token URL as https://… (plain http only on this computer), or leave it empty to discover it')
        .optional(),
      privateKey: PrivateJwk,
    }),
  ],
  { error: 'Choose how to sign in to the PMP' },
);
export type PmpAuth = z.infer<typeof PmpAuth>;

/** A FHIR PDMP (US PDMP IG `$pdmp-history`) reached over the network. */
export const FhirPmpConnection = z.object({
  kind: z.literal('fhir'),
  label: z.string().trim().min(1, 'Give the connection a name'),
  // A bearer token over plain http could be read on the way: http only to this computer.
  baseUrl: z
    .url({ protocol: /^https?$/, error: 'Enter the PMP address, e.g. https://pmp.example.org/fhir' })
    .refine((u) => u.startsWith('https:') || isLoopback(u), 'Use https (plain http only for a server on this computer)'),
  auth: PmpAuth,
  timeoutMs: z.number().int().min(1000).max(120_000),
});

/**
 * Before version 3 a FHIR connection had an optional `token` instead of `auth`. Reading that
 * shape wherever it turns up (an old stored value, a migration) keeps the connection working.
 */
export function upgradeFhirAuth(pmp: unknown): unknown {
  if (typeof pmp !== 'object' || pmp === null || Array.isArray(pmp)) return pmp;
  const v = pmp as Record<string, unknown>;
  if (v.kind !== 'fhir' || 'auth' in v) return pmp;
  const { token, ...rest } = v;
  return { ...rest, auth: typeof token === 'string' && token.trim() ? { mode: 'bearer', token } : { mode: 'none' } };
}

export const PmpConnection = z.preprocess(upgradeFhirAuth, z.discriminatedUnion('kind', [BundledPmpConnection, FhirPmpConnection]));
export type PmpConnection = z.infer<typeof PmpConnection>;
export type FhirPmpConnection = z.infer<typeof FhirPmpConnection>;

/** A prescriber a delegate reviews for; the PMP request and the attestation name them. */
export const SupervisingPrescriber = z.object({
  name: z.string().trim().min(2, "Enter the prescriber's full name"),
  npi: z.string().regex(/^\d{10}$/, 'An NPI has 10 digits').optional(),
  dea: z.string().regex(/^[A-Z]{2}\d{7}$/, 'A DEA number is 2 letters and 7 digits').optional(),
});
export type SupervisingPrescriber = z.infer<typeof SupervisingPrescriber>;

/**
 * Which patient identifiers an attestation keeps beside the filing key: the minimum needed to
 * find the chart. The MRN is always kept when the EHR shows one.
 */
export const PatientIdentifiers = z.enum(['mrn-initials-dob', 'mrn-initials', 'mrn']);
export type PatientIdentifiers = z.infer<typeof PatientIdentifiers>;

export const Settings = z.object({
  state: z.string().regex(/^[A-Z]{2}$/),
  identity: Identity.nullable(),
  supervisingPrescribers: z.array(SupervisingPrescriber),
  pmp: PmpConnection,
  /** How the PMP history indicators are computed (MME table, thresholds, windows). */
  indicators: IndicatorSettings.default(DEFAULT_INDICATOR_SETTINGS),
  // Practice settings added after version 1: defaults keep older stored settings valid as they are.
  patientIdentifiers: PatientIdentifiers.default('mrn-initials-dob'),
  /** How long attestations are kept before "purge" may remove them (a practice decision; 6 years by default). */
  retentionYears: z.number().int().min(1).max(30).default(6),
  /** Rule packs an administrator edited or added, by state code; validated when used (lib/rules/packs). */
  packEdits: z.record(z.string(), z.unknown()).default({}),
  /** How "continuous or prolonged treatment" is decided for periodic reviews (lib/rules/context.ts). */
  continuousTherapy: ContinuousTherapySource.default('order-flag'),
});
export type Settings = z.infer<typeof Settings>;

export const DEFAULT_SETTINGS: Settings = {
  state: 'CT',
  identity: null,
  supervisingPrescribers: [],
  // A new user starts on the bundled PMP: the demo works offline with no setup, and no patient
  // details leave the browser until an administrator configures a real PMP.
  pmp: { kind: 'bundled', label: BUNDLED_PMP_LABEL },
  indicators: DEFAULT_INDICATOR_SETTINGS,
  patientIdentifiers: 'mrn-initials-dob',
  retentionYears: 6,
  packEdits: {},
  continuousTherapy: 'order-flag',
};

/** The local demo server, as version 1 stored it: what the options page offers for "FHIR PDMP". */
export const LOCAL_DEMO_PMP: FhirPmpConnection = {
  kind: 'fhir',
  label: 'Local demo PMP server',
  baseUrl: DEMO_PMP_URL,
  auth: { mode: 'bearer', token: DEMO_PMP_TOKEN },
  timeoutMs: 10_000,
};

/**
 * Version 1 → 2: the PMP connection became a choice between the bundled PMP and a FHIR endpoint.
 * A stored v1 connection was always FHIR and keeps working as it was; one that no longer passes
 * (e.g. a token over plain http to another host) falls back to the default rather than failing.
 */
export function migrateSettingsV1(old: unknown): unknown {
  if (typeof old !== 'object' || old === null) return old;
  const v1 = old as Record<string, unknown>;
  // Parsed with today's schema, which also reads the old `token` shape (upgradeFhirAuth).
  const pmp = PmpConnection.safeParse({ kind: 'fhir', ...(typeof v1.pmp === 'object' ? v1.pmp : {}) });
  return { ...v1, pmp: pmp.success ? pmp.data : DEFAULT_SETTINGS.pmp, indicators: DEFAULT_INDICATOR_SETTINGS };
}

/**
 * Version 2 → 3: a FHIR connection's optional `token` became `auth` (none | bearer |
 * smart-backend). A token becomes bearer auth, no token becomes none; the rest is kept as it was.
 */
export function migrateSettingsV2(old: unknown): unknown {
  if (typeof old !== 'object' || old === null) return old;
  const v2 = old as Record<string, unknown>;
  return { ...v2, pmp: upgradeFhirAuth(v2.pmp) };
}

/** Settings live in local extension storage (never sync: it holds the PMP credentials). */
export const settingsItem = storage.defineItem<Settings>('local:settings', {
  fallback: DEFAULT_SETTINGS,
  version: 3,
  migrations: { 2: migrateSettingsV1, 3: migrateSettingsV2 },
});

/** Reads settings, falling back to defaults (field by field) when what is stored does not parse. */
export async function loadSettings(): Promise<Settings> {
  const raw = await settingsItem.getValue();
  const parsed = Settings.safeParse(raw);
  if (parsed.success) return parsed.data;
  const merged = Settings.safeParse({ ...DEFAULT_SETTINGS, ...(typeof raw === 'object' ? raw : {}) });
  return merged.success ? merged.data : DEFAULT_SETTINGS;
}

/** Validates and saves a change to the settings; throws a ZodError naming the bad field. */
export async function saveSettings(patch: Partial<Settings>): Promise<Settings> {
  const next = Settings.parse({ ...(await loadSettings()), ...patch });
  await settingsItem.setValue(next);
  return next;
}

/**
 * "Reset settings" in the options page: every field of the settings item back to its default
 * (identity, delegates, practice state and pack edits, PMP connection and its token, indicator
 * and practice settings). Written through the item, like any save, so the stored version marker
 * stays the one the migrations left (no migration re-runs on the defaults). The attestation log
 * (IndexedDB) and the EHR sites and field mappings (their own storage keys) are not touched.
 */
export async function resetSettings(): Promise<Settings> {
  const defaults = Settings.parse(DEFAULT_SETTINGS);
  await settingsItem.setValue(defaults);
  return defaults;
}
