import { z } from 'zod';
import { storage } from 'wxt/utils/storage';
import { Role } from '../attestations/schema';

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

export const PmpConnection = z.object({
  kind: z.literal('fhir'),
  label: z.string(),
  baseUrl: z.url({ protocol: /^https?$/ }),
  token: z.string().optional(),
  timeoutMs: z.number().int().min(1000).max(120_000),
});
export type PmpConnection = z.infer<typeof PmpConnection>;

export const Settings = z.object({
  state: z.string().regex(/^[A-Z]{2}$/),
  identity: Identity.nullable(),
  supervisingPrescribers: z.array(z.object({ name: z.string().min(2), npi: z.string().optional() })),
  pmp: PmpConnection,
});
export type Settings = z.infer<typeof Settings>;

export const DEFAULT_SETTINGS: Settings = {
  state: 'CT',
  identity: null,
  supervisingPrescribers: [],
  pmp: { kind: 'fhir', label: 'Local demo PMP server', baseUrl: DEMO_PMP_URL, token: DEMO_PMP_TOKEN, timeoutMs: 10_000 },
};

/** Settings live in local extension storage (never sync: it holds the PMP credentials). */
export const settingsItem = storage.defineItem<Settings>('local:settings', {
  fallback: DEFAULT_SETTINGS,
  version: 1,
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
