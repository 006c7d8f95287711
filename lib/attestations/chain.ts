import { Attestation, GENESIS_HASH, type AttestationDraft, type ChainHead, type Checkpoint } from './schema';
import { sha256HexSync } from './sha256';

// Object keys repeat across records (the same few dozen field names): quote each once.
const quotedKeys = new Map<string, string>();
function quoteKey(k: string): string {
  let q = quotedKeys.get(k);
  if (q === undefined) {
    q = JSON.stringify(k);
    if (quotedKeys.size < 10_000) quotedKeys.set(k, q);
  }
  return q;
}

function canonicalValue(value: unknown, omitKey?: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + canonicalValue(value[i]);
    return `${out}]`;
  }
  const keys = Object.keys(value).sort();
  let out = '';
  for (const k of keys) {
    if (k === omitKey) continue;
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined) continue;
    out += `${out ? ',' : ''}${quoteKey(k)}:${canonicalValue(v)}`;
  }
  return `{${out}}`;
}

/** JSON with keys sorted at every level and undefined dropped, so the same record always hashes the same. */
export function canonicalJson(value: unknown): string {
  return canonicalValue(value);
}

/** The text a record's hash is taken over: the whole record, in canonical form, except its own hash. */
export function hashInput(record: object): string {
  return canonicalValue(record, 'hash');
}

/** Hex SHA-256 (WebCrypto) of a string. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return toHex(new Uint8Array(digest));
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i] ?? 0] ?? '';
  return s;
}

/** The hash of a record: its whole content (including seq and prevHash) except the hash itself. */
export async function hashRecord(record: Omit<Attestation, 'hash'>): Promise<string> {
  return sha256Hex(hashInput(record));
}

export interface VerifyResult {
  ok: boolean;
  records: number;
  /** seq of the first record that fails (or of the first one missing), or null. */
  firstBadRecord: number | null;
  problem?: string;
}

/**
 * Where a chain starts and ends. A purged prefix leaves a checkpoint (the last purged seq and
 * hash) that the first kept record must link to; the head is the last record the log knows of,
 * so a truncated tail is caught.
 */
export interface ChainAnchor {
  checkpoint?: { throughSeq: number; hash: string } | null;
  head?: ChainHead | null;
}

/** How much of each record to check besides its hash and link: the whole schema, or only the link fields. */
export type VerifyDepth = 'full' | 'links';

interface Linked {
  seq: number;
  prevHash: string;
  hash: string;
}

const HEX64_RE = /^[0-9a-f]{64}$/;

/** The link fields of a record, or why it is not a record. */
function linkFields(raw: unknown, depth: VerifyDepth): Linked | string {
  if (depth === 'full') {
    const parsed = Attestation.safeParse(raw);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    return `record does not match the attestation schema (${issue ? `${issue.path.join('.') || 'record'}: ${issue.message}` : 'bad shape'})`;
  }
  if (typeof raw !== 'object' || raw === null) return 'record is not an object';
  const r = raw as Partial<Record<keyof Linked, unknown>>;
  if (typeof r.seq !== 'number' || !Number.isInteger(r.seq) || r.seq < 1) return 'record has no valid seq';
  if (typeof r.prevHash !== 'string' || !HEX64_RE.test(r.prevHash)) return 'record has no valid prevHash';
  if (typeof r.hash !== 'string' || !HEX64_RE.test(r.hash)) return 'record has no valid hash';
  return { seq: r.seq, prevHash: r.prevHash, hash: r.hash };
}

/**
 * Walks a chain in order, given each record and the SHA-256 of its stored text; the walk stops at
 * the first record whose schema, position, link or content is wrong, then the head is checked.
 */
class ChainWalk {
  private expectedSeq: number;
  private prev: string;
  result: VerifyResult | null = null;

  constructor(
    private readonly total: number,
    private readonly anchor: ChainAnchor,
    private readonly depth: VerifyDepth,
  ) {
    this.expectedSeq = (anchor.checkpoint?.throughSeq ?? 0) + 1;
    this.prev = anchor.checkpoint?.hash ?? GENESIS_HASH;
  }

  private bad(seq: number, problem: string): false {
    this.result = { ok: false, records: this.total, firstBadRecord: seq, problem };
    return false;
  }

  /** What is wrong with one record at the walk's position, or its hash when nothing is. */
  private check(raw: unknown, digest: string | Uint8Array, damaged?: string): { hash: string } | { seq: number; problem: string } {
    const f = damaged ?? linkFields(raw, this.depth);
    if (typeof f === 'string') {
      const seq = typeof raw === 'object' && raw !== null && 'seq' in raw && typeof raw.seq === 'number' ? raw.seq : this.expectedSeq;
      return { seq, problem: f };
    }
    if (f.seq !== this.expectedSeq) {
      return { seq: f.seq, problem: `expected record ${this.expectedSeq}, found ${f.seq} (${f.seq > this.expectedSeq ? 'records deleted or reordered' : 'reordered or repeated'})` };
    }
    if (f.prevHash !== this.prev) return { seq: f.seq, problem: 'link to the previous record is broken' };
    if (typeof digest === 'string' ? digest !== f.hash : !digestIs(digest, f.hash)) return { seq: f.seq, problem: 'record content was changed' };
    return { hash: f.hash };
  }

  /**
   * Checks one record; `digest` is the hash of what was stored. A stored record read quickly is
   * read again exactly (a full parse) when the quick reading does not pass. False once the chain is broken.
   */
  step(raw: unknown, digest: string | Uint8Array, damaged?: string, stored?: StoredRecord): boolean {
    let c = this.check(raw, digest, damaged);
    if ('problem' in c && stored?.reread) {
      const again = stored.reread(stored);
      c = this.check(again.record, digest, again.damaged);
    }
    if ('problem' in c) return this.bad(c.seq, c.problem);
    this.prev = c.hash;
    this.expectedSeq++;
    return true;
  }

  finish(): VerifyResult {
    if (this.result) return this.result;
    const head = this.anchor.head;
    const lastSeq = this.expectedSeq - 1;
    const bad = (seq: number, problem: string): VerifyResult => ({ ok: false, records: this.total, firstBadRecord: seq, problem });
    if (head && head.seq > lastSeq) return bad(lastSeq + 1, `the log ends at record ${lastSeq} before its last known record ${head.seq} (truncated)`);
    if (head && head.seq < lastSeq) return bad(head.seq + 1, `records after the recorded end of the log (record ${head.seq})`);
    if (head && head.hash !== this.prev) return bad(Math.max(lastSeq, 1), 'the last record does not match the recorded head of the log (replaced)');
    return { ok: true, records: this.total, firstBadRecord: null };
  }
}

export interface VerifyOptions {
  /** 'links' for a log this extension wrote and validated itself: the hashes catch any change. */
  depth?: VerifyDepth;
}

/** The text a stored record's hash is checked against: hash what was stored, not what a schema kept (an unknown field still counts). */
function storedText(raw: unknown): string {
  return typeof raw === 'object' && raw !== null ? hashInput(raw) : '';
}

const encoder = new TextEncoder();
/** Digests in flight at once: WebCrypto's cost is mostly the round trip, which overlaps when many are pending. */
const IN_FLIGHT = 4096;

// The UTF-8 of a chunk of texts, one buffer reused from chunk to chunk: one ArrayBuffer per text
// (100,000 for a long log) costs more in allocation and garbage collection than the hashing.
let scratch = new Uint8Array(1 << 16);

/** Whether a digest is the one written as this hex string (no string built per digest: a long log has 100,000). */
function digestIs(digest: Uint8Array, hex: string): boolean {
  if (digest.length * 2 !== hex.length) return false;
  for (let i = 0; i < digest.length; i++) {
    const b = digest[i] ?? 0;
    if (hex.charCodeAt(i * 2) !== HEX_CODES[b >> 4] || hex.charCodeAt(i * 2 + 1) !== HEX_CODES[b & 15]) return false;
  }
  return true;
}
const HEX_CODES = new TextEncoder().encode('0123456789abcdef');

/** Hex SHA-256 (WebCrypto) of many strings, all in flight together. */
export async function sha256HexAll(texts: readonly string[]): Promise<string[]> {
  return (await sha256All(texts)).map((d) => toHex(d));
}

/** SHA-256 (WebCrypto) of many strings, all in flight together. */
async function sha256All(texts: readonly string[]): Promise<Uint8Array[]> {
  let need = 0;
  for (const t of texts) need += t.length * 3;
  // A buffer of its own while another call's digests may still be reading the shared one.
  const buf = need <= scratch.length ? scratch : (scratch = new Uint8Array(need));
  scratch = new Uint8Array(0);
  const pending: Promise<ArrayBuffer>[] = new Array<Promise<ArrayBuffer>>(texts.length);
  let at = 0;
  for (let i = 0; i < texts.length; i++) {
    const written = encoder.encodeInto(texts[i] ?? '', buf.subarray(at)).written;
    pending[i] = crypto.subtle.digest('SHA-256', buf.subarray(at, at + written));
    at += written;
  }
  const digests = await Promise.all(pending);
  if (buf.length > scratch.length) scratch = buf;
  return digests.map((d) => new Uint8Array(d));
}

/** One record to check: the record as read and the exact text stored for it (see blocks.ts). */
export interface StoredRecord {
  record: unknown;
  text: string;
  /** Why the stored record could not be read at all, if so. */
  damaged?: string;
  /** When `record` is a quick reading of `text` (its link fields only): how to read it exactly. */
  reread?: (e: StoredRecord) => { record: unknown; damaged?: string };
}

/**
 * Checks records given with their stored text: each text's hash, each record's seq and link, in
 * order, then the head. The hashes are taken a few thousand at a time with WebCrypto.
 */
export async function verifyStored(entries: Iterable<StoredRecord>, total: number, anchor: ChainAnchor = {}, options: VerifyOptions = {}): Promise<VerifyResult> {
  const walk = new ChainWalk(total, anchor, options.depth ?? 'full');
  // Taken a chunk at a time, so a long log is never all in memory as entries at once.
  const chunk: StoredRecord[] = [];
  const run = async (): Promise<boolean> => {
    const digests = await sha256All(chunk.map((e) => e.text));
    for (let i = 0; i < chunk.length; i++) {
      const e = chunk[i];
      if (e && !walk.step(e.record, digests[i] ?? '', e.damaged, e)) return false;
    }
    chunk.length = 0;
    return true;
  };
  for (const e of entries) {
    chunk.push(e);
    if (chunk.length >= IN_FLIGHT && !(await run())) return walk.finish();
  }
  if (chunk.length > 0) await run();
  return walk.finish();
}

/**
 * Checks every record's hash and link, in order; an edit, deletion, reorder or truncation is
 * caught. Yields to the page every few thousand records so a long log does not freeze it.
 */
export async function verifyChain(records: readonly unknown[], anchor: ChainAnchor = {}, options: VerifyOptions = {}): Promise<VerifyResult> {
  // Records in memory are serialised here anyway: the synchronous hash, which needs no buffer or promise per record, is the quicker.
  const walk = new ChainWalk(records.length, anchor, options.depth ?? 'full');
  const CHUNK = 5000;
  for (let start = 0; start < records.length; start += CHUNK) {
    if (start > 0) await new Promise((r) => setTimeout(r, 0));
    const end = Math.min(records.length, start + CHUNK);
    for (let i = start; i < end; i++) if (!walk.step(records[i], sha256HexSync(storedText(records[i])))) return walk.finish();
  }
  return walk.finish();
}

/** The same check, synchronously, with any SHA-256 (the command line passes node:crypto's). */
export function verifyChainSync(records: readonly unknown[], anchor: ChainAnchor, sha256: (text: string) => string = sha256HexSync, options: VerifyOptions = {}): VerifyResult {
  const walk = new ChainWalk(records.length, anchor, options.depth ?? 'full');
  for (const r of records) if (!walk.step(r, sha256(storedText(r)))) break;
  return walk.finish();
}

/**
 * A digest over every purged record's hash, continuing the previous checkpoint's digest, so
 * someone holding an older export can confirm a purge removed exactly those records.
 */
export async function prefixDigest(previous: Pick<Checkpoint, 'prefixDigest'> | null, purged: readonly Pick<Attestation, 'hash'>[]): Promise<string> {
  return sha256Hex([previous?.prefixDigest ?? GENESIS_HASH, ...purged.map((r) => r.hash)].join(':'));
}

/** Chains drafts after `from` (the record before them): seq, id, time, the link and the hash. */
export async function linkRecords(items: readonly { id: string; createdAt: string; draft: AttestationDraft }[], from: ChainHead): Promise<Attestation[]> {
  return (await linkRecordsWithText(items, from)).map((e) => e.record);
}

/** linkRecords, also giving each record's hash input (so it is not serialised twice). */
export async function linkRecordsWithText(
  items: readonly { id: string; createdAt: string; draft: AttestationDraft }[],
  from: ChainHead,
): Promise<{ record: Attestation; text: string }[]> {
  let seq = from.seq;
  let prev = from.hash;
  const out: { record: Attestation; text: string }[] = [];
  for (const it of items) {
    seq++;
    const body = { ...it.draft, seq, id: it.id, createdAt: it.createdAt, prevHash: prev };
    const text = hashInput(body);
    // Each hash needs the one before it, so these cannot overlap: one WebCrypto digest after another.
    const hash = await sha256Hex(text);
    out.push({ record: { ...body, hash }, text });
    prev = hash;
  }
  return out;
}
