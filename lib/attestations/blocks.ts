import { hashInput, type ChainWalk } from './chain';
import { encodeShared, sha256Bytes } from './sha256';
import type { Attestation } from './schema';

/**
 * Sealed blocks: runs of consecutive records of this machine's chain kept in one IndexedDB row.
 *
 * IndexedDB's cost is per row (each value is sent, stored and structured-cloned on its own):
 * 100,000 one-record rows take seconds to read, a few hundred large rows a fraction of that.
 * A block keeps each record as the exact text its hash is taken over (canonical JSON, no
 * `hash`), one line each, and the hashes beside them, so verifying a block hashes the stored
 * text as it is and an export copies it without serialising the record again. The newest
 * records (fewer than a block) stay one row each in `attestations`, the table's tail.
 *
 * A block is never edited in place except by retention, which cuts a purged prefix off it.
 */
export interface BlockRow {
  /** seq of the block's first record: the primary key. */
  first: number;
  /** seq of its last record. */
  last: number;
  /** Each record's hash input (its canonical JSON without `hash`), one per line, in seq order. */
  lines: string;
  /** Each record's hash (64 hex digits), concatenated in the same order. */
  hashes: string;
  /** The distinct patient keys of the block's records: a multiEntry index finds a patient's blocks. */
  pks: string[];
}

/** Records a block holds; large enough that a long log is a few hundred rows, small enough that sealing one is quick. */
export const BLOCK_SIZE = 500;

const HEX64_RE = /^[0-9a-f]{64}$/;

/** The patient key a record is filed under, if it has one. */
export function patientKeyOf(record: unknown): string | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const p = (record as { patient?: unknown }).patient;
  if (typeof p !== 'object' || p === null) return undefined;
  const k = (p as { key?: unknown }).key;
  return typeof k === 'string' ? k : undefined;
}

/** A record with the text its hash is taken over. */
export interface TextedRecord {
  record: unknown;
  text: string;
}

function sealableRecord(r: unknown): r is { seq: number; hash: string } {
  if (typeof r !== 'object' || r === null) return false;
  const { seq, hash } = r as { seq?: unknown; hash?: unknown };
  return typeof seq === 'number' && Number.isInteger(seq) && seq > 0 && typeof hash === 'string' && HEX64_RE.test(hash);
}

/** Canonical text of each stored tail row (what its hash is taken over). */
export function withTexts(rows: readonly unknown[]): TextedRecord[] {
  return rows.map((record) => ({ record, text: typeof record === 'object' && record !== null ? hashInput(record) : '' }));
}

/**
 * Seals the leading full runs of `size` consecutive records into blocks. Stops at the first run
 * that is not a clean run (a seq out of step, a record without a valid hash): such records stay
 * in the tail as they are, where the chain check reports them.
 */
export function sealRuns(entries: readonly TextedRecord[], size: number): { blocks: BlockRow[]; sealed: number } {
  const blocks: BlockRow[] = [];
  let at = 0;
  while (entries.length - at >= size) {
    const run = entries.slice(at, at + size);
    const first = run[0]?.record;
    if (!sealableRecord(first)) break;
    let clean = true;
    for (let i = 0; i < run.length; i++) {
      const r = run[i]?.record;
      if (!sealableRecord(r) || r.seq !== first.seq + i) {
        clean = false;
        break;
      }
    }
    if (!clean) break;
    blocks.push(makeBlock(run, first.seq));
    at += size;
  }
  return { blocks, sealed: at };
}

/** One block from consecutive records (seq `first` onwards) that have been checked to carry a hash. */
function makeBlock(run: readonly TextedRecord[], first: number): BlockRow {
  const lines: string[] = [];
  const hashes: string[] = [];
  const pks = new Set<string>();
  for (const { record, text } of run) {
    lines.push(text);
    hashes.push((record as { hash: string }).hash);
    const k = patientKeyOf(record);
    if (k !== undefined) pks.add(k);
  }
  return { first, last: first + run.length - 1, lines: lines.join('\n'), hashes: hashes.join(''), pks: [...pks] };
}

/** One stored line of a block, read back: the record (with its hash) or why it cannot be read. */
export interface BlockEntry extends TextedRecord {
  /** Set when the line is not a JSON object, or the block itself is malformed. */
  damaged?: string;
  /** After a quick reading (link fields only): reads the line exactly. */
  reread?: (e: TextedRecord) => { record: unknown; damaged?: string };
}

/** A block read back: its records in order, and what is wrong with the block as a whole, if anything. */
export interface ReadBlock {
  entries: BlockEntry[];
  /** The block's patient index does not match its records (the index is not covered by the hashes). */
  problem?: string;
}

function parseLine(text: string, hash: string, seq: number): { record: unknown; damaged?: string } {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    record = undefined;
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return { record: { seq }, damaged: 'record is not readable (its stored text was changed)' };
  (record as { hash?: unknown }).hash = hash;
  return { record };
}

/** The exact reading of a line read quickly first (its quick reading has the stored hash and the seq). */
function rereadLine(e: TextedRecord): { record: unknown; damaged?: string } {
  const q = e.record as { seq?: number; hash: string };
  return parseLine(e.text, q.hash, q.seq ?? 0);
}

/**
 * The link fields and patient key of a line as this extension writes it (canonical JSON: keys
 * sorted, so the record's own "prevHash" is the only one and its own "seq" is the last, before
 * "state"). A quick reading only: the chain check rereads a line exactly whenever it does not pass,
 * and the hash check ties each line to the exact text written.
 */
function quickFields(text: string, hash: string): { seq?: number; prevHash?: string; hash: string; key?: string } {
  const out: { seq?: number; prevHash?: string; hash: string; key?: string } = { hash };
  const s = text.lastIndexOf(',"seq":');
  if (s >= 0) {
    let end = s + 7;
    while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
    if (end > s + 7 && (text[end] === ',' || text[end] === '}')) out.seq = Number(text.slice(s + 7, end));
  }
  const p = text.indexOf(',"prevHash":"');
  if (p >= 0 && text[p + 77] === '"') out.prevHash = text.slice(p + 13, p + 77);
  const pat = text.indexOf('"patient":{');
  const k = pat >= 0 ? text.indexOf('"key":"', pat) : -1;
  const kEnd = k >= 0 ? text.indexOf('"', k + 7) : -1;
  // A key with an escape in it is left to the exact reading.
  if (kEnd >= 0) {
    const key = text.slice(k + 7, kEnd);
    if (!key.includes('\\')) out.key = key;
  }
  return out;
}

/** A stored block's fields, checked for shape, or why it cannot be read as a block at all. */
function openBlock(row: unknown): { first: number; range: string; damaged: string } | { first: number; range: string; damaged?: undefined; text: string; lines: string[]; hashes: string; pks: unknown[] } {
  const b = row as Partial<BlockRow> | null;
  const first = typeof b?.first === 'number' ? b.first : 0;
  const range = typeof b?.last === 'number' ? `${String(first)}–${String(b.last)}` : String(first);
  const broken = (why: string) => ({ first, range, damaged: `the stored block of records ${range} ${why}` });
  if (!b || typeof b.lines !== 'string' || typeof b.hashes !== 'string' || typeof b.last !== 'number' || !Array.isArray(b.pks)) return broken('is damaged');
  const lines = b.lines.split('\n');
  if (b.hashes.length !== lines.length * 64 || b.last - first + 1 !== lines.length) return broken('does not hold the records it says it holds');
  return { first, range, text: b.lines, lines, hashes: b.hashes, pks: b.pks };
}

/**
 * Whether a block's patient index lists exactly the patients of its lines (the index is not
 * covered by the hashes). `quickKeys` come from the quick reading, given only when it read a key
 * on every line (a line it could not read may hold a patient the index leaves out); when they
 * are not given or do not match, the exact reading of every line decides.
 */
function indexMatches(pks: readonly unknown[], lines: readonly string[], quickKeys?: Set<string>): boolean {
  const matches = (found: Set<string>) => found.size === pks.length && pks.every((k) => typeof k === 'string' && found.has(k));
  if (quickKeys && matches(quickKeys)) return true;
  const keys = new Set<string>();
  for (const text of lines) {
    const k = patientKeyOf(parseLine(text, '', 0).record);
    if (k !== undefined) keys.add(k);
  }
  return matches(keys);
}

const indexProblem = (range: string) => `the patient index of the stored records ${range} does not match them`;

/**
 * Reads a stored block; a malformed block yields one damaged entry. `quick` reads only each
 * line's link fields and patient key (the chain check), with the exact reading kept for a line
 * that does not pass.
 */
export function readBlock(row: unknown, mode: 'exact' | 'quick' = 'exact'): ReadBlock {
  const open = openBlock(row);
  if (open.damaged !== undefined) return { entries: [{ record: { seq: open.first }, text: '', damaged: open.damaged }] };
  const { first, range, lines, hashes, pks } = open;
  const entries: BlockEntry[] = [];
  const keys = new Set<string>();
  let unsure = false;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] ?? '';
    const hash = hashes.slice(i * 64, i * 64 + 64);
    if (mode === 'quick') {
      const q = quickFields(text, hash);
      if (q.key !== undefined) keys.add(q.key);
      else unsure = true;
      entries.push({ record: q, text, reread: rereadLine });
      continue;
    }
    const read = parseLine(text, hash, first + i);
    const k = patientKeyOf(read.record);
    if (k !== undefined) keys.add(k);
    entries.push(read.damaged === undefined ? { record: read.record, text } : { record: read.record, text, damaged: read.damaged });
  }
  // The exact reading's keys are final; the quick reading's are checked again exactly if they do not match.
  const ok = mode === 'quick' ? indexMatches(pks, lines, unsure ? undefined : keys) : pks.length === keys.size && pks.every((k) => typeof k === 'string' && keys.has(k));
  if (!ok) return { entries, problem: indexProblem(range) };
  return { entries };
}

// Reused from record to record: one digest (8 words).
const digest = new Int32Array(8);

/** Records a stored block is counted as in a check's result (a malformed block counts as one). */
export function blockRecordCount(row: unknown): number {
  const b = row as Partial<BlockRow> | null;
  return typeof b?.last === 'number' && typeof b.first === 'number' && b.last >= b.first ? b.last - b.first + 1 : 1;
}

/**
 * Checks a stored block as the next records of a chain walk: its patient index against its
 * lines, then every line's seq and link (read quickly; read exactly when that does not pass) and
 * its SHA-256 over the exact stored text. The block's text is encoded to UTF-8 once and each line
 * hashed where it lies in it (a line's bytes are the UTF-8 of that line: no UTF-8 sequence holds
 * a newline byte). False once the chain is broken (the block is still counted).
 */
export function checkBlock(row: unknown, walk: ChainWalk): boolean {
  walk.total += blockRecordCount(row);
  if (walk.broken) return false;
  const open = openBlock(row);
  if (open.damaged !== undefined) return walk.step({ seq: open.first }, '', open.damaged);
  const { first, range, text, lines, hashes, pks } = open;
  const quick = new Array<ReturnType<typeof quickFields>>(lines.length);
  const keys = new Set<string>();
  let unsure = false;
  for (let i = 0; i < lines.length; i++) {
    const q = quickFields(lines[i] ?? '', hashes.slice(i * 64, i * 64 + 64));
    if (q.key !== undefined) keys.add(q.key);
    else unsure = true;
    quick[i] = q;
  }
  if (!indexMatches(pks, lines, unsure ? undefined : keys)) return walk.step({ seq: first }, '', indexProblem(range));
  const { bytes, length } = encodeShared(text);
  let pos = 0;
  for (let i = 0; i < lines.length; i++) {
    let end = i === lines.length - 1 ? length : bytes.indexOf(10, pos);
    if (end < 0 || end > length) end = length;
    sha256Bytes(bytes, pos, end, digest);
    pos = end + 1;
    if (walk.passesWords(quick[i], digest, 0)) continue;
    // The quick reading did not pass: the exact one decides (and names the problem).
    const exact = parseLine(lines[i] ?? '', hashes.slice(i * 64, i * 64 + 64), first + i);
    if (!walk.stepWords(exact.record, digest, 0, exact.damaged)) return false;
  }
  return true;
}

/**
 * The block's readable records, oldest first (a damaged line is left out; the chain check reports
 * it), appended to `out`; with `keep`, only the lines it keeps are parsed.
 */
export function decodeBlock(row: unknown, out: Attestation[] = [], keep?: (line: string) => boolean): Attestation[] {
  const b = row as Partial<BlockRow> | null;
  if (!b || typeof b.lines !== 'string' || typeof b.hashes !== 'string') return out;
  // The whole log is read through here: no more than a parse per line (the chain check reads blocks itself).
  const lines = b.lines.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (keep && !keep(lines[i] ?? '')) continue;
    const r = parseLine(lines[i] ?? '', b.hashes.slice(i * 64, i * 64 + 64), 0);
    if (r.damaged === undefined) out.push(r.record as Attestation);
  }
  return out;
}

/** The block with the records up to and including `throughSeq` cut off (retention), or null if none remain. */
export function cutBlock(row: BlockRow, throughSeq: number): BlockRow | null {
  if (row.last <= throughSeq) return null;
  if (row.first > throughSeq) return row;
  const read = readBlock(row);
  if (read.problem !== undefined || read.entries.length !== row.last - row.first + 1 || read.entries.some((e) => e.damaged !== undefined)) {
    throw new Error(`Not purged: the stored records ${String(row.first)}–${String(row.last)} are damaged; export the log for review first`);
  }
  return makeBlock(read.entries.slice(throughSeq - row.first + 1), throughSeq + 1);
}
