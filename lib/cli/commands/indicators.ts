import { z } from 'zod';
import { computeIndicators } from '../../indicators';
import { IndicatorSettings } from '../../indicators/settings';
import { parseHistoryResponse } from '../../pmp/fhir';
import { fail, type Command } from '../result';
import { pmpFailure } from './script-to-fhir';

/** A bare FHIR resource (Bundle or Parameters), or one wrapped with a date and settings. */
const Wrapped = z.object({
  history: z.looseObject({ resourceType: z.string() }),
  asOf: z.iso.date().optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
});

export const indicators: Command = {
  name: 'indicators',
  // A FHIR document is usually pretty-printed over many lines: all of stdin is one input.
  input: 'text',
  summary: 'FHIR history Bundle or $pdmp-history Parameters (or {history, asOf, settings}; all of stdin) → indicators',
  run: (input) => {
    let json: unknown;
    try {
      json = JSON.parse(String(input));
    } catch {
      return fail('Not valid JSON: expected a FHIR Bundle or Parameters, or {"history": ..., "asOf": "YYYY-MM-DD"}');
    }
    const wrapped = typeof json === 'object' && json !== null && !('resourceType' in json) ? Wrapped.safeParse(json) : undefined;
    if (wrapped && !wrapped.success) {
      return fail('Input does not match the expected shape', wrapped.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    }
    const settings = IndicatorSettings.safeParse({ ...wrapped?.data.settings });
    if (!settings.success) {
      return fail('Invalid indicator settings', settings.error.issues.map((i) => ({ path: `settings.${i.path.join('.')}`, message: i.message })));
    }
    let history;
    try {
      history = parseHistoryResponse(wrapped ? wrapped.data.history : json, 'cli');
    } catch (e) {
      return pmpFailure(e);
    }
    const asOf = wrapped?.data.asOf;
    const result = computeIndicators(history.fills, { ...(asOf ? { asOf } : {}), settings: settings.data });
    return { ok: true, value: { ...result, fillCount: history.fills.length, warnings: history.warnings, alerts: history.alerts } };
  },
};
