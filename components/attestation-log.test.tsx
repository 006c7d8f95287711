import { beforeEach, describe, expect, it, vi } from 'vitest';
import { PmpDatabase } from '@/lib/attestations/db';
import { buildLogExport, logExportText } from '@/lib/attestations/export-json';
import { AttestationRepository } from '@/lib/attestations/repository';
import type { Attestation } from '@/lib/attestations/schema';
import { delegateDraft, draft } from '@/lib/attestations/test-helpers';
import { DEFAULT_SETTINGS, type Settings } from '@/lib/storage/settings';
import { buttonNamed, interact, render as renderUi, until } from '@/test/react';
import { AttestationLog } from './attestation-log';

// The component opens the extension's own database ('pmp-check'); the tests write to it too.
const db = new PmpDatabase();
let clock = new Date('2026-11-22T15:00:00Z');
const repo = new AttestationRepository(db, () => clock, { retryDelaysMs: [0], setTimer: () => undefined });
const settings: Settings = { ...DEFAULT_SETTINGS, identity: { userId: 'u1', name: 'Dr. Avery Quill', role: 'prescriber' } };
let container: HTMLDivElement;

async function render(): Promise<void> {
  ({ container } = await renderUi(<AttestationLog settings={settings} />));
}
const text = (testId: string) => container.querySelector(`[data-testid="${testId}"]`)?.textContent ?? '';
function select(label: string): HTMLSelectElement {
  const l = [...container.querySelectorAll('label')].find((x) => x.textContent.trim() === label);
  const s = l ? container.querySelector(`[id="${l.htmlFor}"]`) : null;
  if (!(s instanceof HTMLSelectElement)) throw new Error(`no select ${label}`);
  return s;
}
function button(name: RegExp): HTMLButtonElement {
  const b = buttonNamed(container, name);
  if (!b) throw new Error(`no button ${String(name)}`);
  return b;
}

beforeEach(async () => {
  clock = new Date('2026-11-22T15:00:00Z');
  await Promise.all([db.attestations.clear(), db.meta.clear(), db.outbox.clear(), db.chains.clear(), db.imported.clear()]);
});

describe('AttestationLog (options page)', () => {
  it('shows every record with the chain verified, and filters by outcome and delegate', async () => {
    await repo.append(delegateDraft());
    await repo.append(draft({ outcome: 'declined', reason: 'Order cancelled' }));
    await render();
    await until(() => {
      expect(text('chain-status')).toBe('2 record(s) in 1 log(s); hash chain intact ✓');
    });
    expect(container.querySelectorAll('[data-testid="log-row"]')).toHaveLength(2);
    await interact(() => {
      const s = select('Outcome');
      s.value = 'declined';
      s.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(text('log-count')).toMatch(/^Showing 1 of 2 record\(s\) — outcome declined/);
    expect(container.querySelector('[data-testid="log-row"]')?.textContent).toContain('Declined: Order cancelled');
    await interact(() => {
      button(/Clear filters/).click();
      const s = select('Delegate');
      s.value = 'Sam Nurse';
      s.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(text('log-count')).toMatch(/^Showing 1 of 2/);
  });

  it('says plainly where the chain is broken', async () => {
    await repo.append(draft());
    await repo.append(draft());
    await db.attestations.update(1, { outcome: 'exempted' });
    await render();
    await until(() => {
      expect(text('chain-status')).toBe("Hash chain broken in this machine's log at record 1: record content was changed");
    });
  });

  it('imports a forged log and reports why it was refused; a good one is merged', async () => {
    const other = new PmpDatabase('other-machine');
    const theirs = new AttestationRepository(other, () => clock);
    await theirs.append(delegateDraft());
    const good = await buildLogExport(other, theirs, { now: clock, exportedBy: { name: 'Sam Nurse', role: 'delegate' } });
    const forged = structuredClone(good);
    (forged.chains[0]?.records[0] as Attestation).outcome = 'declined';
    await other.delete();
    await render();
    await until(() => {
      expect(text('chain-status')).toBe('0 record(s) in 1 log(s); hash chain intact ✓');
    });
    const input = container.querySelector<HTMLInputElement>('input[type="file"]');
    if (!input) throw new Error('no file input');
    const pick = async (name: string, body: string) => {
      await interact(() => {
        Object.defineProperty(input, 'files', { value: [new File([body], name, { type: 'application/json' })], configurable: true });
        input.dispatchEvent(new Event('change', { bubbles: true }));
      });
    };
    await pick('forged.json', logExportText(forged));
    await until(() => {
      expect(text('import-report')).toMatch(/Sam Nurse: refused — hash chain broken at record 1: record content was changed/);
    });
    await pick('notes.txt', 'hello');
    await until(() => {
      expect(text('import-report')).toMatch(/notes\.txt refused: Not valid JSON/);
    });
    await pick('good.json', logExportText(good));
    await until(() => {
      expect(text('import-report')).toMatch(/1 record\(s\) added, 0 already here/);
      expect(text('chain-status')).toBe('1 record(s) in 2 log(s); hash chain intact ✓');
    });
  });

  it('previews and purges records older than the retention period; the rest still verifies', async () => {
    clock = new Date('2015-01-01T00:00:00Z');
    await repo.append(draft());
    clock = new Date();
    await repo.append(draft());
    await render();
    await until(() => {
      expect(text('retention-preview')).toMatch(/^1 record\(s\) are older than 6 years/);
    });
    await interact(() => {
      button(/Purge records older than 6 years/).click();
    });
    await interact(() => {
      button(/Purge 1 record\(s\) now/).click();
    });
    await until(() => {
      expect(container.textContent).toContain('Purged 1 record(s); the log still verifies from its checkpoint.');
      expect(text('chain-status')).toBe('1 record(s) in 1 log(s); hash chain intact ✓');
    });
  });

  it('tells the user about attestations still queued for writing, and writes them on request', async () => {
    const failing = vi.spyOn(db.attestations, 'bulkAdd').mockRejectedValue(new DOMException('full', 'QuotaExceededError'));
    await expect(repo.append(draft())).rejects.toThrow(/storage is full/);
    failing.mockRestore();
    await render();
    await until(() => {
      expect(container.querySelector('.warning')?.textContent).toMatch(/^1 attestation\(s\) accepted but not yet written/);
    });
    await interact(() => {
      button(/Retry now/).click();
    });
    await until(() => {
      expect(container.querySelector('.warning')).toBeNull();
      expect(text('chain-status')).toBe('1 record(s) in 1 log(s); hash chain intact ✓');
    });
  });
});
