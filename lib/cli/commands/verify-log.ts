import { createHash } from 'node:crypto';
import { parseLogExport, verifyLogExportSync } from '../../attestations/export-json';
import { fail, type Command } from '../result';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * An exported JSON attestation log (the whole of stdin) → {"ok", "records", "firstBadRecord",
 * "problem", "chainId", "chains"}; a broken chain is an answer, not an error, but exits 1.
 */
export const verifyLog: Command = {
  name: 'verify-log',
  input: 'text',
  summary: 'an exported JSON attestation log (all of stdin) → {"ok", "records", "firstBadRecord"}; exit 1 when broken',
  run: (input) => {
    if (typeof input !== 'string' || input.trim() === '') return fail('No log on stdin: pipe in an exported JSON log');
    const parsed = parseLogExport(input);
    if (!parsed.ok) return fail(parsed.message);
    const result = verifyLogExportSync(parsed.log, sha256);
    return { ok: true, value: result, ...(result.ok ? {} : { failed: true }) };
  },
};
