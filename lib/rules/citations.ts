import type { Origin } from './pack';

/** Said with every decision that rests on PDAPS's coding rather than a hand-checked statute. */
export const PDAPS_NOTE = 'Coded from the law in force to 2019-12-31 (PDAPS), not verified since.';

/** How a reason cites its source: unverified and generated rules say so beside the statute. */
export function formatCitation(statute: string, verified: boolean, origin: Origin): string {
  if (origin === 'pdaps') return statute.startsWith('PDAPS') ? `${statute}; not verified since 2019` : `${statute} (PDAPS; not verified since 2019)`;
  if (origin === 'admin') return `${statute} (edited by an administrator${verified ? '' : '; unverified'})`;
  return verified ? statute : `${statute} (unverified)`;
}
