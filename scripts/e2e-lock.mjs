// One end-to-end run at a time on this machine: the local servers use fixed ports and the
// extension is built into one folder. A stale lock (older than 15 minutes) is taken over.
import { mkdirSync, rmSync, statSync } from 'node:fs';

const LOCK = '/tmp/pmp-check-e2e.lock';

export async function acquire(timeoutMs = 20 * 60_000) {
  const start = Date.now();
  for (;;) {
    try {
      mkdirSync(LOCK);
      return () => rmSync(LOCK, { recursive: true, force: true });
    } catch {
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 15 * 60_000) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // gone meanwhile
      }
      if (Date.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${LOCK}`);
      if ((Date.now() - start) % 30_000 < 1000) console.log('Waiting for another end-to-end run to finish…');
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
