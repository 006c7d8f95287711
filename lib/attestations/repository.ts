import { hashRecord, verifyChain, type VerifyResult } from './chain';
import type { PmpDatabase } from './db';
import { Attestation, AttestationDraft, GENESIS_HASH } from './schema';

/**
 * The only writer of the attestation chain. Appends are serialised in memory because the
 * hash is computed with WebCrypto, which cannot run inside an IndexedDB transaction; the
 * transaction then re-checks the head so a concurrent writer is caught, not overwritten.
 */
export class AttestationRepository {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: PmpDatabase, private readonly clock: () => Date = () => new Date()) {}

  /** Validates, chains and stores one attestation; resolves with the stored record. */
  append(draft: AttestationDraft): Promise<Attestation> {
    const run = this.tail.then(() => this.appendNow(AttestationDraft.parse(draft)));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async appendNow(draft: AttestationDraft): Promise<Attestation> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const head = await this.db.meta.get('head');
      const seq = (head?.seq ?? 0) + 1;
      const prevHash = head?.hash ?? GENESIS_HASH;
      const body = { ...draft, seq, id: crypto.randomUUID(), createdAt: this.clock().toISOString(), prevHash };
      const record = Attestation.parse({ ...body, hash: await hashRecord(body) });
      const stored = await this.db.transaction('rw', this.db.attestations, this.db.meta, async () => {
        const now = await this.db.meta.get('head');
        if ((now?.seq ?? 0) !== seq - 1) return false;
        await this.db.attestations.add(record);
        await this.db.meta.put({ key: 'head', seq, hash: record.hash });
        return true;
      });
      if (stored) return record;
    }
    throw new Error('Could not append the attestation: the log kept changing underneath');
  }

  /** Every record, oldest first. */
  async all(): Promise<Attestation[]> {
    return this.db.attestations.orderBy('seq').toArray();
  }

  /** This patient's records, oldest first. */
  async forPatient(key: string): Promise<Attestation[]> {
    const rows = await this.db.attestations.where('patient.key').equals(key).toArray();
    return rows.sort((a, b) => a.seq - b.seq);
  }

  /** Verifies the whole stored chain against its recorded head. */
  async verify(): Promise<VerifyResult> {
    const [rows, head] = await Promise.all([this.all(), this.db.meta.get('head')]);
    return verifyChain(rows, head?.hash ?? GENESIS_HASH);
  }
}
