import { Attestation, GENESIS_HASH, type AttestationDraft, type ChainHead, type Checkpoint } from './schema';
import { sha256HexSync, sha256Text, wordsMatchHex } from './sha256';

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

/** A record's digest: hex, or 8 words of `words` from `at` (see sha256.ts). */
type Digest = string | { words: Int32Array; at: number };

function digestMatches(digest: Digest, hex: string): boolean {
  return typeof digest === 'string' ? digest === hex : wordsMatchHex(digest.words, digest.at, hex);
}

/**
 * Walks a chain in order, given each record and the SHA-256 of its stored text; the walk stops at
 * the first record whose schema, position, link or content is wrong, then the head is checked.
 * The number of records reported can grow while walking (a stored log is read a chunk at a time).
 */
export class ChainWalk {
  private expectedSeq: number;
  private prev: string;
  /** Whether `prev` is 64 hex digits (every hash the walk accepts is; a checkpoint's is checked once). */
  private prevValid: boolean;
  private failure: { seq: number; problem: string } | null = null;
  // One digest holder reused for every record given as words.
  private readonly at: { words: Int32Array; at: number } = { words: new Int32Array(8), at: 0 };

  constructor(
    /** How many records the log holds (reported in the result). */
    public total: number,
    private readonly anchor: ChainAnchor,
    private readonly depth: VerifyDepth,
  ) {
    this.expectedSeq = (anchor.checkpoint?.throughSeq ?? 0) + 1;
    this.prev = anchor.checkpoint?.hash ?? GENESIS_HASH;
    this.prevValid = HEX64_RE.test(this.prev);
  }

  /** Whether a record already failed (the walk is over). */
  get broken(): boolean {
    return this.failure !== null;
  }

  private bad(seq: number, problem: string): false {
    this.failure = { seq, problem };
    return false;
  }

  /** What is wrong with one record at the walk's position, or its hash when nothing is. */
  private check(raw: unknown, digest: Digest, damaged?: string): { hash: string } | { seq: number; problem: string } {
    // The usual case, without the field checks: a record in its place, linked to the one before
    // (a valid hash) and whose digest words spell its hash (so that is 64 hex digits too). Any
    // other record takes the full path below, which names what is wrong.
    if (damaged === undefined && this.depth === 'links' && this.prevValid && typeof digest !== 'string' && typeof raw === 'object' && raw !== null) {
      const r = raw as Partial<Record<keyof Linked, unknown>>;
      if (r.seq === this.expectedSeq && r.prevHash === this.prev && typeof r.hash === 'string' && wordsMatchHex(digest.words, digest.at, r.hash)) return { hash: r.hash };
    }
    const f = damaged ?? linkFields(raw, this.depth);
    if (typeof f === 'string') {
      const seq = typeof raw === 'object' && raw !== null && 'seq' in raw && typeof raw.seq === 'number' ? raw.seq : this.expectedSeq;
      return { seq, problem: f };
    }
    if (f.seq !== this.expectedSeq) {
      return { seq: f.seq, problem: `expected record ${this.expectedSeq}, found ${f.seq} (${f.seq > this.expectedSeq ? 'records deleted or reordered' : 'reordered or repeated'})` };
    }
    if (f.prevHash !== this.prev) return { seq: f.seq, problem: 'link to the previous record is broken' };
    if (!digestMatches(digest, f.hash)) return { seq: f.seq, problem: 'record content was changed' };
    return { hash: f.hash };
  }

  /** Checks one record; `digest` is the hash of what was stored. False once the chain is broken. */
  step(raw: unknown, digest: Digest, damaged?: string): boolean {
    if (this.failure) return false;
    const c = this.check(raw, digest, damaged);
    if ('problem' in c) return this.bad(c.seq, c.problem);
    this.prev = c.hash;
    this.expectedSeq++;
    return true;
  }

  /** step() with the digest as 8 words of `words` from `at`. */
  stepWords(raw: unknown, words: Int32Array, at: number, damaged?: string): boolean {
    this.at.words = words;
    this.at.at = at;
    return this.step(raw, this.at, damaged);
  }

  /**
   * Takes the record if it passes, as step() would; if not, records nothing and says false, so
   * the caller can read the record again exactly and step() it (a quick reading that missed).
   */
  passesWords(raw: unknown, words: Int32Array, at: number): boolean {
    if (this.failure) return false;
    this.at.words = words;
    this.at.at = at;
    const c = this.check(raw, this.at);
    if ('problem' in c) return false;
    this.prev = c.hash;
    this.expectedSeq++;
    return true;
  }

  finish(): VerifyResult {
    const bad = (seq: number, problem: string): VerifyResult => ({ ok: false, records: this.total, firstBadRecord: seq, problem });
    if (this.failure) return bad(this.failure.seq, this.failure.problem);
    const head = this.anchor.head;
    const lastSeq = this.expectedSeq - 1;
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

/**
 * Checks every record's hash and link, in order; an edit, deletion, reorder or truncation is
 * caught. Yields to the page every few thousand records so a long log does not freeze it.
 */
export async function verifyChain(records: readonly unknown[], anchor: ChainAnchor = {}, options: VerifyOptions = {}): Promise<VerifyResult> {
  // Records in memory are serialised here anyway: the synchronous hash, which needs no buffer or promise per record, is the quicker.
  const walk = new ChainWalk(records.length, anchor, options.depth ?? 'full');
  const words = new Int32Array(8);
  const CHUNK = 5000;
  for (let start = 0; start < records.length; start += CHUNK) {
    if (start > 0) await new Promise((r) => setTimeout(r, 0));
    const end = Math.min(records.length, start + CHUNK);
    for (let i = start; i < end; i++) {
      sha256Text(storedText(records[i]), words);
      if (!walk.stepWords(records[i], words, 0)) return walk.finish();
    }
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
