import { linkRecords } from './chain';
import { GENESIS_HASH, type Attestation, type AttestationDraft, type ChainHead } from './schema';

/** A valid draft for tests (synthetic patient), with overrides. */
export function draft(over: Partial<AttestationDraft> = {}): AttestationDraft {
  return {
    reviewer: { userId: 'u-1', name: 'Dr. Avery Quill', role: 'prescriber', npi: '1234567893' },
    prescriber: { name: 'Dr. Avery Quill', npi: '1234567893' },
    patient: { key: 'http://127.0.0.1:47811|mrn:MRN-100234', mrn: 'MRN-100234', initials: 'MT', birthDate: '1961-04-09' },
    order: { drug: 'oxycodone 5 mg tablet', ingredient: 'oxycodone', schedule: 'CII', quantity: 40, daysSupply: 10 },
    ruleIds: ['ct-72h-supply'],
    state: 'CT',
    packVersion: '2016.1',
    outcome: 'reviewed',
    pmpSource: 'Local demo PMP server',
    ehrOrigin: 'http://127.0.0.1:47811',
    ...over,
  };
}

/** A delegate's review for Dr. Quill. */
export function delegateDraft(over: Partial<AttestationDraft> = {}): AttestationDraft {
  return draft({ reviewer: { userId: 'u-2', name: 'Sam Nurse', role: 'delegate' }, ...over });
}

/** n chained records in memory (record i made i hours after `start`), after `from`. */
export async function chainOf(
  n: number,
  opts: { from?: ChainHead; start?: string; over?: (i: number) => Partial<AttestationDraft> } = {},
): Promise<Attestation[]> {
  const start = Date.parse(opts.start ?? '2026-01-01T12:00:00Z');
  return linkRecords(
    Array.from({ length: n }, (_, i) => ({
      id: `00000000-0000-4000-8000-${(i + 1 + (opts.from?.seq ?? 0)).toString(16).padStart(12, '0')}`,
      createdAt: new Date(start + i * 3_600_000).toISOString(),
      draft: draft(opts.over?.(i) ?? {}),
    })),
    opts.from ?? { seq: 0, hash: GENESIS_HASH },
  );
}
