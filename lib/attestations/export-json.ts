import { z } from 'zod';
import { verifyChain, verifyChainSync, type VerifyResult } from './chain';
import type { PmpDatabase } from './db';
import type { AttestationRepository } from './repository';
import { ChainHead, Checkpoint, Role } from './schema';

export const LOG_FORMAT = 'pmp-check-attestation-log';

/** One machine's chain in an export: its records in order, with where the chain starts and ends. */
export const ChainExport = z.object({
  chainId: z.string().min(1),
  label: z.string(),
  /** Set when older records were purged under the retention setting: the first record links to it. */
  checkpoint: Checkpoint.nullable(),
  /** The last record the log knew of when exported: a truncated copy is caught. */
  head: ChainHead,
  // Left unparsed here: the chain check reports exactly which record is bad.
  records: z.array(z.unknown()),
});
export type ChainExport = z.infer<typeof ChainExport>;

/** The JSON export: every chain of the practice's log, whole, so each can be verified anywhere. */
export const LogExport = z.object({
  format: z.literal(LOG_FORMAT),
  version: z.literal(1),
  exportedAt: z.iso.datetime({ offset: true }),
  exportedBy: z.object({ name: z.string(), role: Role }).optional(),
  /** The exporting machine's own chain (the others were imported into it). */
  sourceChainId: z.string().min(1),
  chains: z.array(ChainExport).min(1),
});
export type LogExport = z.infer<typeof LogExport>;

/** Builds the JSON export of this machine's chain and every chain imported into it. */
export async function buildLogExport(
  db: PmpDatabase,
  repo: AttestationRepository,
  opts: { now: Date; exportedBy?: { name: string; role: 'prescriber' | 'delegate' } },
): Promise<LogExport> {
  const [state, own, chains] = await Promise.all([repo.chainState(), repo.all(), db.chains.toArray()]);
  const label = opts.exportedBy?.name ?? own.at(-1)?.reviewer.name ?? 'this machine';
  const out: ChainExport[] = [{ chainId: state.chainId, label, checkpoint: state.checkpoint, head: state.head, records: own }];
  for (const c of chains) {
    const rows = await db.imported.where('[chainId+seq]').between([c.chainId, 0], [c.chainId, Infinity]).toArray();
    const last = rows.at(-1)?.record;
    out.push({
      chainId: c.chainId,
      label: c.label,
      checkpoint: c.checkpoint,
      head: c.head ?? (last ? { seq: last.seq, hash: last.hash } : { seq: c.checkpoint?.throughSeq ?? 0, hash: c.checkpoint?.hash ?? '0'.repeat(64) }),
      records: rows.map((r) => r.record),
    });
  }
  return {
    format: LOG_FORMAT,
    version: 1,
    exportedAt: opts.now.toISOString(),
    ...(opts.exportedBy ? { exportedBy: opts.exportedBy } : {}),
    sourceChainId: state.chainId,
    chains: out,
  };
}

/** The export as text: one record per line inside the chains, so a diff of two exports stays readable. */
export function logExportText(exp: LogExport): string {
  const head = { ...exp, chains: undefined };
  const chains = exp.chains.map((c) => {
    const meta = JSON.stringify({ ...c, records: undefined }).slice(0, -1);
    const records = c.records.map((r) => `    ${JSON.stringify(r)}`).join(',\n');
    return `  ${meta},"records":[\n${records}\n  ]}`;
  });
  return `${JSON.stringify(head).slice(0, -1)},"chains":[\n${chains.join(',\n')}\n]}\n`;
}

export interface LogVerifyResult extends VerifyResult {
  chains: number;
  /** The chain the first bad record is in, when there is one. */
  chainId?: string;
}

export type ParsedLog = { ok: true; log: LogExport } | { ok: false; message: string };

/** Parses an exported JSON log; the message says what is wrong in words a person can act on. */
export function parseLogExport(text: string): ParsedLog {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, message: 'Not valid JSON' };
  }
  if (typeof raw !== 'object' || raw === null || (raw as { format?: unknown }).format !== LOG_FORMAT) {
    return { ok: false, message: `Not a PMP Check attestation log (expected "format": "${LOG_FORMAT}")` };
  }
  const parsed = LogExport.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    return { ok: false, message: `The log file is incomplete or damaged (${i ? `${i.path.join('.') || 'file'}: ${i.message}` : 'bad shape'})` };
  }
  return { ok: true, log: parsed.data };
}

function combine(log: LogExport, results: readonly VerifyResult[]): LogVerifyResult {
  const records = results.reduce((n, r) => n + r.records, 0);
  const badIndex = results.findIndex((r) => !r.ok);
  const bad = results[badIndex];
  if (!bad) return { ok: true, records, firstBadRecord: null, chains: log.chains.length };
  return {
    ok: false,
    records,
    firstBadRecord: bad.firstBadRecord,
    ...(bad.problem ? { problem: bad.problem } : {}),
    chains: log.chains.length,
    ...(log.chains[badIndex] ? { chainId: log.chains[badIndex].chainId } : {}),
  };
}

function duplicateChain(log: LogExport): LogVerifyResult | null {
  const seen = new Set<string>();
  for (const c of log.chains) {
    if (seen.has(c.chainId)) return { ok: false, records: 0, firstBadRecord: null, problem: `chain ${c.chainId} appears twice`, chains: log.chains.length, chainId: c.chainId };
    seen.add(c.chainId);
  }
  return null;
}

/** Verifies every chain of an export (WebCrypto). */
export async function verifyLogExport(log: LogExport): Promise<LogVerifyResult> {
  const dup = duplicateChain(log);
  if (dup) return dup;
  const results: VerifyResult[] = [];
  for (const c of log.chains) results.push(await verifyChain(c.records, { checkpoint: c.checkpoint, head: c.head }));
  return combine(log, results);
}

/** Verifies every chain of an export with a synchronous SHA-256 (the command line). */
export function verifyLogExportSync(log: LogExport, sha256: (text: string) => string): LogVerifyResult {
  const dup = duplicateChain(log);
  if (dup) return dup;
  return combine(
    log,
    log.chains.map((c) => verifyChainSync(c.records, { checkpoint: c.checkpoint, head: c.head }, sha256)),
  );
}
