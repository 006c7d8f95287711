import { testPmpConnection, type ConnectionReport } from '@/lib/pmp/connection-test';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { browser } from 'wxt/browser';
import { MME_TABLE_LABELS } from '@/lib/indicators/mme-factors';
import { IndicatorSettings, MmeTable } from '@/lib/indicators/settings';
import { LOCAL_DEMO_PMP, PmpConnection, saveSettings, type Settings } from '@/lib/storage/settings';
import { settingsKeys } from '@/lib/storage/settings-query';

type Errors = Record<string, string>;

interface Issue {
  path: readonly PropertyKey[];
  message: string;
  code: string;
  minimum?: unknown;
  maximum?: unknown;
}

/** zod's wording is for developers ("expected number, received NaN"): say it for a person. */
function friendly(i: Issue): string {
  if (i.code === 'invalid_type') return 'Enter a whole number';
  if (i.code === 'too_small' && typeof i.minimum === 'number') return `Enter ${String(i.minimum)} or more`;
  if (i.code === 'too_big' && typeof i.maximum === 'number') return `Enter ${String(i.maximum)} or less`;
  return i.message;
}

function issuesByField(issues: readonly Issue[], words: (i: Issue) => string = (i) => i.message): Errors {
  const out: Errors = {};
  for (const i of issues) out[String(i.path[0] ?? 'form')] ??= words(i);
  return out;
}

function isLoopbackOrigin(url: string): boolean {
  return /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/.test(new URL(url).hostname);
}

/**
 * Chrome only lets the extension reach origins it was granted. Asked here, inside the click that
 * saves, because Chrome only shows the question during a user gesture. Loopback servers (ours)
 * answer CORS themselves, so they need no grant.
 */
async function ensureAccess(baseUrl: string): Promise<string | null> {
  if (isLoopbackOrigin(baseUrl)) return null;
  const origins = [`${new URL(baseUrl).origin}/*`];
  try {
    if (await browser.permissions.request({ origins })) return null;
    return `Chrome did not give the extension access to ${new URL(baseUrl).origin}, so it cannot reach that PMP. Save again and allow access.`;
  } catch {
    return `The extension could not ask for access to ${new URL(baseUrl).origin}.`;
  }
}

/** The options page's PMP part: which PMP to ask (bundled or FHIR) and how indicators are computed. */
export function PmpSettings({ settings }: { settings: Settings }) {
  return (
    <section aria-labelledby="pmp">
      <h2 id="pmp">PMP connection</h2>
      <ConnectionForm current={settings.pmp} />
      <IndicatorForm current={settings.indicators} />
    </section>
  );
}

function ConnectionForm({ current }: { current: PmpConnection }) {
  const qc = useQueryClient();
  const id = useId();
  const fhirStart = current.kind === 'fhir' ? current : LOCAL_DEMO_PMP;
  const [kind, setKind] = useState<PmpConnection['kind']>(current.kind);
  const [label, setLabel] = useState(fhirStart.label);
  const [baseUrl, setBaseUrl] = useState(fhirStart.baseUrl);
  const [token, setToken] = useState(fhirStart.token ?? '');
  const [timeoutSeconds, setTimeoutSeconds] = useState(String(fhirStart.timeoutMs / 1000));
  const [errors, setErrors] = useState<Errors>({});
  const check = useMutation({
    mutationFn: async (): Promise<ConnectionReport> => {
      const url = baseUrl.trim().replace(/\/+$/, '');
      if (!URL.canParse(url)) throw new Error('Enter the FHIR PDMP base URL first');
      const denied = await ensureAccess(url);
      if (denied) throw new Error(denied);
      const seconds = Number(timeoutSeconds);
      return testPmpConnection({
        baseUrl: url,
        ...(token.trim() ? { token: token.trim() } : {}),
        ...(Number.isFinite(seconds) && seconds > 0 ? { timeoutMs: seconds * 1000 } : {}),
      });
    },
  });
  const save = useMutation({
    mutationFn: async (pmp: PmpConnection) => {
      if (pmp.kind === 'fhir') {
        const denied = await ensureAccess(pmp.baseUrl);
        if (denied) throw new Error(denied);
      }
      return saveSettings({ pmp });
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: settingsKeys.all }),
  });

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const seconds = Number(timeoutSeconds);
    const candidate =
      kind === 'bundled'
        ? { kind }
        : {
            kind,
            label: label.trim(),
            baseUrl: baseUrl.trim().replace(/\/+$/, ''),
            ...(token.trim() ? { token: token.trim() } : {}),
            timeoutMs: Number.isFinite(seconds) && timeoutSeconds.trim() !== '' ? Math.round(seconds * 1000) : Number.NaN,
          };
    const parsed = PmpConnection.safeParse(candidate);
    if (!parsed.success) {
      setErrors(issuesByField(parsed.error.issues));
      save.reset();
      return;
    }
    setErrors({});
    save.mutate(parsed.data);
  }

  const err = (field: string) =>
    errors[field] ? (
      <span className="field-error" id={`${id}-${field}-error`}>
        {field === 'timeoutMs' ? 'Enter a timeout between 1 and 120 seconds' : errors[field]}
      </span>
    ) : null;
  const described = (field: string) => (errors[field] ? { 'aria-invalid': true, 'aria-describedby': `${id}-${field}-error` } : {});

  return (
    <form onSubmit={onSubmit} className="grid pmp-connection" noValidate aria-label="PMP connection">
      <fieldset>
        <legend>Where the PMP history comes from</legend>
        <label>
          <input type="radio" name="pmp-kind" checked={kind === 'bundled'} onChange={() => { setKind('bundled'); }} /> Bundled synthetic PMP — demo data,
          works offline, nothing leaves this computer
        </label>
        <label>
          <input type="radio" name="pmp-kind" checked={kind === 'fhir'} onChange={() => { setKind('fhir'); }} /> A FHIR PDMP endpoint (HL7 US PDMP
          $pdmp-history)
        </label>
      </fieldset>
      {kind === 'fhir' && (
        <>
          <label>
            Name shown in the side panel
            <input name="label" value={label} onChange={(e) => { setLabel(e.target.value); }} {...described('label')} />
          </label>
          {err('label')}
          <label>
            FHIR PDMP base URL
            <input name="baseUrl" value={baseUrl} inputMode="url" onChange={(e) => { setBaseUrl(e.target.value); }} {...described('baseUrl')} />
          </label>
          {err('baseUrl')}
          <label>
            Bearer token
            <input name="token" type="password" value={token} onChange={(e) => { setToken(e.target.value); }} autoComplete="off" />
          </label>
          <label>
            Timeout (seconds)
            <input name="timeout" value={timeoutSeconds} inputMode="numeric" onChange={(e) => { setTimeoutSeconds(e.target.value); }} {...described('timeoutMs')} />
          </label>
          {err('timeoutMs')}
        </>
      )}
      <button type="submit" disabled={save.isPending}>
        Save connection
      </button>
      {kind === 'fhir' && (
        <button type="button" className="secondary" disabled={check.isPending} onClick={() => { check.mutate(); }}>
          {check.isPending ? 'Testing…' : 'Test connection'}
        </button>
      )}
      {save.isError && (
        <span className="field-error" role="alert">
          {save.error.message}
        </span>
      )}
      {save.isSuccess && <span className="saved">Saved ✓</span>}
      {kind === 'fhir' && check.isError && (
        <span className="field-error" role="alert">
          {check.error.message}
        </span>
      )}
      {kind === 'fhir' && check.isSuccess && (
        <div className="connection-report" role="status" data-testid="connection-report" data-ok={String(check.data.ok)}>
          <strong>{check.data.ok ? 'Connection works ✓' : 'Connection failed'}</strong>
          <ul>
            {check.data.checks.map((c) => (
              <li key={c.step} className={c.ok ? 'ok' : 'bad'}>
                {c.ok ? '✓' : '✗'} {c.title}
                {c.detail ? <span className="sub"> — {c.detail}</span> : null}
              </li>
            ))}
          </ul>
        </div>
      )}
    </form>
  );
}

const NUMBER_FIELDS = [
  ['mmeCaution', 'Caution at MME/day'],
  ['mmeHigh', 'High at MME/day'],
  ['mpeWindowDays', 'Multiple-provider window (days)'],
  ['mpeMinPrescribers', '… with at least this many prescribers'],
  ['mpeMinPharmacies', '… and this many pharmacies'],
  ['earlyRefillPercent', 'A refill is early before this % of the last supply is used'],
  ['minOverlapDays', 'Flag overlaps from this many days'],
  ['longActingLookbackDays', 'Long-acting opioid start: none in the prior (days)'],
] as const satisfies readonly (readonly [keyof IndicatorSettings, string])[];

type NumberField = (typeof NUMBER_FIELDS)[number][0];

function IndicatorForm({ current }: { current: IndicatorSettings }) {
  const qc = useQueryClient();
  const id = useId();
  const [table, setTable] = useState<MmeTable>(current.mmeTable);
  const [values, setValues] = useState<Record<NumberField, string>>(
    () => Object.fromEntries(NUMBER_FIELDS.map(([k]) => [k, String(current[k])])) as Record<NumberField, string>,
  );
  const [errors, setErrors] = useState<Errors>({});
  const save = useMutation({
    mutationFn: (indicators: IndicatorSettings) => saveSettings({ indicators }),
    onSuccess: () => qc.invalidateQueries({ queryKey: settingsKeys.all }),
  });

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const numbers = Object.fromEntries(NUMBER_FIELDS.map(([k]) => [k, values[k].trim() === '' ? Number.NaN : Number(values[k])]));
    const parsed = IndicatorSettings.safeParse({ mmeTable: table, ...numbers });
    if (!parsed.success) {
      setErrors(issuesByField(parsed.error.issues, friendly));
      save.reset();
      return;
    }
    setErrors({});
    save.mutate(parsed.data);
  }

  return (
    <form onSubmit={onSubmit} className="grid indicator-settings" noValidate aria-label="History indicators">
      <h3>History indicators</h3>
      <label>
        MME conversion table
        <select name="mmeTable" value={table} onChange={(e) => { setTable(MmeTable.catch('cdc-2022').parse(e.target.value)); }}>
          {MmeTable.options.map((t) => (
            <option key={t} value={t}>
              {MME_TABLE_LABELS[t]}
            </option>
          ))}
        </select>
      </label>
      {NUMBER_FIELDS.map(([k, text]) => (
        <div key={k} className="field">
          <label>
            {text}
            <input
              name={k}
              inputMode="numeric"
              value={values[k]}
              onChange={(e) => {
                const v = e.target.value;
                setValues((old) => ({ ...old, [k]: v }));
              }}
              {...(errors[k] ? { 'aria-invalid': true, 'aria-describedby': `${id}-${k}` } : {})}
            />
          </label>
          {errors[k] && (
            <span className="field-error" id={`${id}-${k}`}>
              {errors[k]}
            </span>
          )}
        </div>
      ))}
      <button type="submit" disabled={save.isPending}>
        Save indicator settings
      </button>
      {save.isError && (
        <span className="field-error" role="alert">
          Not saved: {save.error.message}
        </span>
      )}
      {save.isSuccess && <span className="saved">Saved ✓</span>}
    </form>
  );
}
