import { z } from 'zod';
import { findJurisdiction, JURISDICTIONS } from '../jurisdictions';
import { StateAddition, StatePack } from '../pack';
import { GENERATED_PACKS } from './generated';
import { overlayPack } from './overlay';
import stateAdditions from './state-additions.json';
import { VERIFIED_PACKS } from './verified';

/**
 * The shipped packs: for every jurisdiction the PDAPS baseline (generated), with a hand-verified
 * pack laid over it where one exists, and the state's own schedule additions (gabapentin).
 * Packs are parsed on first use, so a broken file names itself instead of breaking the others.
 */

const ADDITIONS = z.record(z.string(), z.array(StateAddition)).parse(stateAdditions);
const SHIPPED = new Map<string, StatePack>();
const GENERATED = new Map<string, StatePack>();
const VERIFIED = new Map<string, StatePack>();

function parsePack(raw: unknown, what: string): StatePack {
  const parsed = StatePack.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`The ${what} is not a valid pack: ${first ? `${first.path.join('.')}: ${first.message}` : 'unknown problem'}`);
  }
  return parsed.data;
}

function codeOf(state: string): string {
  const j = findJurisdiction(state);
  if (!j) throw new Error(`No rule pack for state "${state}"`);
  return j.code;
}

/** The PDAPS baseline alone for a state (code or name). */
export function generatedPack(state: string): StatePack {
  const code = codeOf(state);
  let pack = GENERATED.get(code);
  if (!pack) {
    pack = parsePack(GENERATED_PACKS[code], `generated pack for ${code}`);
    GENERATED.set(code, pack);
  }
  return pack;
}

/** The hand-verified pack alone for a state, when there is one. */
export function verifiedPack(state: string): StatePack | undefined {
  const code = codeOf(state);
  const raw = VERIFIED_PACKS[code];
  if (raw === undefined) return undefined;
  let pack = VERIFIED.get(code);
  if (!pack) {
    pack = parsePack(raw, `verified pack for ${code}`);
    VERIFIED.set(code, pack);
  }
  return pack;
}

/**
 * Builds a state's pack from the JSON every time: parse the baseline (and the verified pack),
 * overlay, add the schedule additions. getPack caches the result; the bench times this.
 */
export function buildPack(state: string): StatePack {
  const code = codeOf(state);
  const baseline = parsePack(GENERATED_PACKS[code], `generated pack for ${code}`);
  const raw = VERIFIED_PACKS[code];
  const merged = raw === undefined ? baseline : overlayPack(baseline, parsePack(raw, `verified pack for ${code}`));
  const additions = ADDITIONS[code] ?? [];
  return additions.length ? { ...merged, stateAdditions: [...merged.stateAdditions, ...additions] } : merged;
}

/** The pack the engine uses for a state (code or name); an unknown state is an error the options page shows. */
export function getPack(state: string): StatePack {
  const code = codeOf(state);
  let pack = SHIPPED.get(code);
  if (!pack) {
    pack = buildPack(code);
    SHIPPED.set(code, pack);
  }
  return pack;
}

/** Every jurisdiction, with whether a hand-verified pack covers it. */
export function listPacks(): { code: string; name: string; verified: boolean }[] {
  return JURISDICTIONS.map((j) => ({ code: j.code, name: j.name, verified: VERIFIED_PACKS[j.code] !== undefined }));
}

/** Packs an administrator edited or added, by state code, as stored (validated when used). */
export const PackEdits = z.record(z.string(), z.unknown());
export type PackEdits = z.infer<typeof PackEdits>;

/**
 * The pack for a state with an administrator's edit applied. An edit that no longer validates
 * (e.g. written for an older schema) is ignored with a reason, so the shipped pack still works.
 */
export function resolvePack(state: string, edits: PackEdits | undefined): { pack: StatePack; editError?: string } {
  const code = codeOf(state);
  const raw = edits?.[code];
  if (raw === undefined) return { pack: getPack(code) };
  const parsed = StatePack.safeParse(raw);
  if (!parsed.success || parsed.data.state !== code) {
    const why = parsed.success ? `it is for ${parsed.data.state}, not ${code}` : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    return { pack: getPack(code), editError: `The edited pack for ${code} was not used: ${why}` };
  }
  return { pack: parsed.data };
}

/** The pack for a practice's settings: its state, with an administrator's edit when there is a valid one. */
export function packForSettings(settings: { state: string; packEdits?: PackEdits | undefined }): StatePack {
  return resolvePack(settings.state, settings.packEdits).pack;
}
