import Dexie, { type EntityTable } from 'dexie';
import type { Attestation } from './schema';

/**
 * The one IndexedDB database. Opened only in extension contexts (background, side panel,
 * options): from a content script it would belong to the EHR's origin.
 */
export class PmpDatabase extends Dexie {
  attestations!: EntityTable<Attestation, 'seq'>;
  /** The chain head (last seq and hash), written with every append, so truncation shows. */
  meta!: EntityTable<{ key: string; seq: number; hash: string }, 'key'>;

  constructor(name = 'pmp-check') {
    super(name);
    this.version(1).stores({
      attestations: 'seq, &id, patient.key, createdAt, outcome',
      meta: 'key',
    });
  }
}
