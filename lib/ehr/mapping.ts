import { z } from 'zod/mini'; // the content script loads this module: no classic zod (lib/messaging/content-bundle.test.ts)
import { Origin } from './origin';

/**
 * A field mapping: an admin pointed at the fields of an EHR the built-in adapters do not know.
 * Saved per origin in extension storage (metadata only: selectors and label words, never the
 * values that were in the fields), exportable as JSON, and read back as an adapter.
 */

/** Storage key (storage.local) of the mappings: origin → FieldMapping. */
export const MAPPINGS_KEY = 'ehrFieldMappings';

/** The fields an admin can point at, in the order the mapper asks for them. */
export const MAPPED_FIELDS = ['drug', 'quantity', 'sig', 'daysSupply', 'patientName', 'patientDob', 'patientMrn'] as const;
export type MappedFieldName = (typeof MAPPED_FIELDS)[number];
export const REQUIRED_FIELDS: readonly MappedFieldName[] = ['drug', 'patientName', 'patientDob'];

export const FIELD_LABELS: Readonly<Record<MappedFieldName, string>> = {
  drug: 'Drug',
  quantity: 'Quantity',
  sig: 'Sig / directions',
  daysSupply: 'Days supply',
  patientName: 'Patient name',
  patientDob: 'Patient date of birth',
  patientMrn: 'Patient MRN (optional)',
};

/**
 * Where a field is: CSS selectors, one per shadow root to cross (the first in the document).
 * `label` is the field's label text as the page shows it, used when the selector stops matching.
 */
export const FieldLocator = z.object({
  path: z.array(z.string().check(z.minLength(1), z.maxLength(400))).check(z.minLength(1), z.maxLength(6)),
  label: z.optional(z.string().check(z.maxLength(80))),
});
export type FieldLocator = z.infer<typeof FieldLocator>;

export const FieldMapping = z.object({
  version: z.literal(1),
  origin: Origin,
  /** Only pages under this path (e.g. "/erx/"); all pages of the origin when absent. */
  pathPrefix: z.optional(z.string().check(z.startsWith('/'), z.maxLength(200))),
  fields: z.object({
    drug: FieldLocator,
    quantity: z.optional(FieldLocator),
    sig: z.optional(FieldLocator),
    daysSupply: z.optional(FieldLocator),
    patientName: FieldLocator,
    patientDob: FieldLocator,
    patientMrn: z.optional(FieldLocator),
  }),
  savedAt: z.iso.datetime({ offset: true }),
});
export type FieldMapping = z.infer<typeof FieldMapping>;

/** The exported file: a tagged envelope so a wrong file is refused with a clear message. */
export const MappingExport = z.object({
  kind: z.literal('pmp-check.field-mappings'),
  version: z.literal(1),
  mappings: z.array(z.unknown()),
});

/** Reads stored mappings, skipping (not throwing on) any entry that no longer parses. */
export function parseStoredMappings(raw: unknown): FieldMapping[] {
  if (!raw || typeof raw !== 'object') return [];
  const out: FieldMapping[] = [];
  for (const v of Object.values(raw as Record<string, unknown>)) {
    const parsed = FieldMapping.safeParse(v);
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}

/** The mapping that applies to a page, if any (the longest matching path prefix wins). */
export function mappingFor(mappings: readonly FieldMapping[], loc: { origin: string; pathname: string }): FieldMapping | undefined {
  return mappings
    .filter((m) => m.origin === loc.origin && (!m.pathPrefix || loc.pathname.startsWith(m.pathPrefix)))
    .sort((a, b) => (b.pathPrefix?.length ?? 0) - (a.pathPrefix?.length ?? 0))[0];
}

/** The JSON an admin downloads: every mapping, pretty-printed. */
export function exportMappings(mappings: readonly FieldMapping[]): string {
  return JSON.stringify({ kind: 'pmp-check.field-mappings', version: 1, mappings }, null, 2);
}

export interface ImportReport {
  mappings: FieldMapping[];
  refused: { index: number; origin?: string; reason: string }[];
}

/** Parses an exported file; each bad entry is refused with its reason, good ones are kept. */
export function importMappings(text: string): ImportReport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('This file is not JSON: export the mappings from PMP Check and import that file');
  }
  const envelope = MappingExport.safeParse(json);
  if (!envelope.success) throw new Error('This is not a PMP Check field-mapping export (kind "pmp-check.field-mappings", version 1)');
  const report: ImportReport = { mappings: [], refused: [] };
  envelope.data.mappings.forEach((m, index) => {
    const parsed = FieldMapping.safeParse(m);
    if (parsed.success) {
      report.mappings.push(parsed.data);
      return;
    }
    const issue = parsed.error.issues[0];
    const origin = typeof m === 'object' && m && 'origin' in m && typeof m.origin === 'string' ? m.origin : undefined;
    report.refused.push({
      index,
      ...(origin ? { origin } : {}),
      reason: issue ? `${issue.path.join('.') || 'mapping'}: ${issue.message}` : 'not a mapping',
    });
  });
  return report;
}

/** Merges mappings into the stored record (one per origin and path prefix; newer replaces older). */
export function mergeMappings(stored: unknown, incoming: readonly FieldMapping[]): Record<string, FieldMapping> {
  const out: Record<string, FieldMapping> = {};
  for (const m of [...parseStoredMappings(stored), ...incoming]) out[mappingKey(m)] = m;
  return out;
}

/** The storage key of one mapping inside the record. */
export function mappingKey(m: Pick<FieldMapping, 'origin' | 'pathPrefix'>): string {
  return `${m.origin}${m.pathPrefix ?? ''}`;
}
