import { PmpError } from '../../pmp/errors';
import { scriptToFhirBundle } from '../../pmp/script';
import { fail, type Command, type CommandResult } from '../result';

/** A PmpError as a CLI error: the kind (what to do about it) and the detail (what was seen). */
export function pmpFailure(e: unknown): CommandResult {
  if (e instanceof PmpError) return fail(`${e.kind}: ${e.detail ?? e.message}`);
  return fail(e instanceof Error ? e.message : String(e));
}

export const scriptToFhir: Command = {
  name: 'script-to-fhir',
  input: 'text',
  summary: 'NCPDP SCRIPT RxHistoryResponse XML (10.6 or 2017071, all of stdin) → FHIR history Bundle',
  run: (input) => {
    if (typeof input !== 'string' || input.trim() === '') return fail('No input: pipe a SCRIPT RxHistoryResponse (XML) into stdin');
    try {
      return { ok: true, value: scriptToFhirBundle(input) };
    } catch (e) {
      return pmpFailure(e);
    }
  },
};
