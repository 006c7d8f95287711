import { Attestation, GENESIS_HASH } from './schema';

/** JSON with keys sorted at every level, so the same record always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** Hex SHA-256 (WebCrypto) of a string. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The hash of a record: its whole content (including seq and prevHash) except the hash itself. */
export async function hashRecord(record: Omit<Attestation, 'hash'>): Promise<string> {
  return sha256Hex(canonicalJson(record));
}

export interface VerifyResult {
  ok: boolean;
  records: number;
  /** seq of the first record that fails, or null. */
  firstBadRecord: number | null;
  problem?: string;
}

/** Checks every record's hash and link, in order; an edit, deletion, reorder or truncation at the head is caught. */
export async function verifyChain(records: readonly unknown[], expectedHeadHash?: string): Promise<VerifyResult> {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const raw of records) {
    const parsed = Attestation.safeParse(raw);
    const seqGuess = typeof raw === 'object' && raw !== null && 'seq' in raw && typeof raw.seq === 'number' ? raw.seq : expectedSeq;
    if (!parsed.success) return { ok: false, records: records.length, firstBadRecord: seqGuess, problem: 'record does not match the attestation schema' };
    const rec = parsed.data;
    if (rec.seq !== expectedSeq) return { ok: false, records: records.length, firstBadRecord: rec.seq, problem: `expected record ${expectedSeq}, found ${rec.seq} (deleted or reordered)` };
    if (rec.prevHash !== prev) return { ok: false, records: records.length, firstBadRecord: rec.seq, problem: 'link to the previous record is broken' };
    const { hash, ...rest } = rec;
    if ((await hashRecord(rest)) !== hash) return { ok: false, records: records.length, firstBadRecord: rec.seq, problem: 'record content was changed' };
    prev = hash;
    expectedSeq++;
  }
  if (expectedHeadHash !== undefined && expectedHeadHash !== prev) {
    return { ok: false, records: records.length, firstBadRecord: expectedSeq - 1 || null, problem: 'the log ends before its last known record (truncated)' };
  }
  return { ok: true, records: records.length, firstBadRecord: null };
}
