import { testPmpConnection, type ConnectionReport } from '@/lib/pmp/connection-test';
import { hostPattern, watchNetErrors, type NetErrorObserver, type WebRequestEvents } from '@/lib/pmp/net-errors';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { browser } from 'wxt/browser';
import { MME_TABLE_LABELS } from '@/lib/indicators/mme-factors';
import { IndicatorSettings, MmeTable } from '@/lib/indicators/settings';
import { DEFAULT_SMART_SCOPE, SigningAlg, algOf, generatePrivateJwk, isAcceptableTokenUrl, parsePrivateJwkText, publicJwksOf, type PrivateJwk, type SmartClientConfig } from '@/lib/pmp/smart';
import { LOCAL_DEMO_PMP, PmpConnection, saveSettings, type PmpAuth, type Settings } from '@/lib/storage/settings';
import { settingsKeys } from '@/lib/storage/settings-query';
import './pmp-settings.css';

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

function issuesByField(issues: readonly Issue[], words: (i: Issue) => string = (i) => i.message, field: (path: readonly PropertyKey[]) => string = (p) => String(p[0] ?? 'form')): Errors {
  const out: Errors = {};
  for (const i of issues) out[field(i.path)] ??= words(i);
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
async function ensureAccess(urls: readonly string[]): Promise<string | null> {
  // The PMP and, when it is elsewhere, its token endpoint: asked together, in one question.
  const remote = [...new Set(urls.filter((u) => !isLoopbackOrigin(u)).map((u) => new URL(u).origin))];
  if (remote.length === 0) return null;
  const origins = remote.map((o) => `${o}/*`);
  try {
    if (await browser.permissions.request({ origins })) return null;
    return `Chrome did not give the extension access to ${remote.join(' and ')}, so it cannot reach that PMP. Save again and allow access.`;
  } catch {
    return `The extension could not ask for access to ${remote.join(' and ')}.`;
  }
}

/**
 * The browser's own word on a failed probe (DNS, refused, which TLS problem): webRequest only
 * reports requests to origins the extension holds, so without that grant (a loopback server
 * on another port, or a browser without webRequest) Test connection keeps fetch()'s vaguer words.
 */
async function netErrorObserver(url: string): Promise<NetErrorObserver | undefined> {
  const webRequest = (browser as { webRequest?: WebRequestEvents }).webRequest;
  if (!webRequest) return undefined;
  // Chrome's grant may name the port (origin/*); Firefox's patterns cannot, so ask both ways.
  for (const origins of [[`${new URL(url).origin}/*`], [hostPattern(url)]]) {
    try {
      if (await browser.permissions.contains({ origins })) return (u) => watchNetErrors(webRequest, u);
    } catch {
      // A pattern this browser does not accept: try the other form.
    }
  }
  return undefined;
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

type AuthMode = PmpAuth['mode'];

const AUTH_FIELDS = new Set(['token', 'clientId', 'scope', 'tokenUrl', 'privateKey']);

/** Field of an issue: auth's own fields sit one level down (`auth.clientId`), the key deeper still. */
function fieldOf(path: readonly PropertyKey[]): string {
  const inner = path[0] === 'auth' ? path[1] : undefined;
  return typeof inner === 'string' && AUTH_FIELDS.has(inner) ? inner : String(path[0] ?? 'form');
}

/** A JWKS as JSON an administrator can read: one member per line, long values left to wrap. */
function formatJwks(jwks: { keys: readonly object[] }): string {
  const keys = jwks.keys.map((k) => `  {\n${Object.entries(k).map(([name, value]) => `    ${JSON.stringify(name)}: ${JSON.stringify(value)}`).join(',\n')}\n  }`);
  return `{"keys": [\n${keys.join(',\n')}\n]}`;
}

/** The public JWKS for a private key, as readable JSON (recomputed when the key changes). */
function usePublicJwks(key: PrivateJwk | null): string {
  const [shown, setShown] = useState<{ key: PrivateJwk; text: string } | null>(null);
  useEffect(() => {
    let live = true;
    if (key) {
      void publicJwksOf(key).then((jwks) => {
        if (live) setShown({ key, text: formatJwks(jwks) });
      });
    }
    return () => {
      live = false;
    };
  }, [key]);
  // Only the JWKS of the key in use: never a previous key's while the new one is computed.
  return shown && shown.key === key ? shown.text : '';
}

function ConnectionForm({ current }: { current: PmpConnection }) {
  const qc = useQueryClient();
  const id = useId();
  const fhirStart = current.kind === 'fhir' ? current : LOCAL_DEMO_PMP;
  const authStart = fhirStart.auth;
  const smartStart = authStart.mode === 'smart-backend' ? authStart : undefined;
  const [kind, setKind] = useState<PmpConnection['kind']>(current.kind);
  const [label, setLabel] = useState(fhirStart.label);
  const [baseUrl, setBaseUrl] = useState(fhirStart.baseUrl);
  const [authMode, setAuthMode] = useState<AuthMode>(authStart.mode);
  const [token, setToken] = useState(authStart.mode === 'bearer' ? authStart.token : '');
  const [clientId, setClientId] = useState(smartStart?.clientId ?? '');
  const [scope, setScope] = useState(smartStart?.scope ?? DEFAULT_SMART_SCOPE);
  const [tokenUrl, setTokenUrl] = useState(smartStart?.tokenUrl ?? '');
  const [privateKey, setPrivateKey] = useState<PrivateJwk | null>(smartStart?.privateKey ?? null);
  const [keyAlg, setKeyAlg] = useState<SigningAlg>(smartStart ? algOf(smartStart.privateKey) : 'ES384');
  const [pasted, setPasted] = useState('');
  const [timeoutSeconds, setTimeoutSeconds] = useState(String(fhirStart.timeoutMs / 1000));
  const [errors, setErrors] = useState<Errors>({});
  const jwks = usePublicJwks(privateKey);

  const generate = useMutation({
    mutationFn: () => generatePrivateJwk(keyAlg),
    onSuccess: (jwk) => {
      setPrivateKey(jwk);
      setPasted('');
      setErrors(({ privateKey: _gone, ...rest }) => rest);
    },
  });

  /** The key to use: a pasted one when there is text (checked), else the generated or stored one. */
  function currentKey(): { ok: true; jwk: PrivateJwk } | { ok: false; error: string } {
    if (pasted.trim()) return parsePrivateJwkText(pasted);
    return privateKey ? { ok: true, jwk: privateKey } : { ok: false, error: 'Generate a key pair, or paste the private key the PMP registered' };
  }

  function applyPasted() {
    const r = parsePrivateJwkText(pasted);
    if (!r.ok) {
      setErrors((old) => ({ ...old, privateKey: r.error }));
      return;
    }
    setPrivateKey(r.jwk);
    setKeyAlg(algOf(r.jwk));
    setPasted('');
    setErrors(({ privateKey: _gone, ...rest }) => rest);
  }

  const copy = useMutation({ mutationFn: (text: string) => navigator.clipboard.writeText(text) });

  const check = useMutation({
    mutationFn: async (): Promise<ConnectionReport> => {
      const url = baseUrl.trim().replace(/\/+$/, '');
      if (!URL.canParse(url)) throw new Error('Enter the FHIR PDMP base URL first');
      let smart: SmartClientConfig | undefined;
      if (authMode === 'smart-backend') {
        const key = currentKey();
        if (!key.ok) throw new Error(key.error);
        if (!clientId.trim()) throw new Error('Enter the client ID first');
        if (tokenUrl.trim() && !isAcceptableTokenUrl(tokenUrl.trim())) throw new Error('Enter the token URL as https://…, or leave it empty');
        smart = { baseUrl: url, clientId: clientId.trim(), scope: scope.trim() || DEFAULT_SMART_SCOPE, privateKey: key.jwk, ...(tokenUrl.trim() ? { tokenUrl: tokenUrl.trim() } : {}) };
      }
      const denied = await ensureAccess([url, ...(smart?.tokenUrl ? [smart.tokenUrl] : [])]);
      if (denied) throw new Error(denied);
      const seconds = Number(timeoutSeconds);
      return testPmpConnection(
        {
          baseUrl: url,
          ...(authMode === 'bearer' && token.trim() ? { token: token.trim() } : {}),
          ...(smart ? { smart } : {}),
          ...(Number.isFinite(seconds) && seconds > 0 ? { timeoutMs: seconds * 1000 } : {}),
        },
        fetch,
        await netErrorObserver(url),
      );
    },
  });
  const save = useMutation({
    mutationFn: async (pmp: PmpConnection) => {
      if (pmp.kind === 'fhir') {
        const denied = await ensureAccess([pmp.baseUrl, ...(pmp.auth.mode === 'smart-backend' && pmp.auth.tokenUrl ? [pmp.auth.tokenUrl] : [])]);
        if (denied) throw new Error(denied);
      }
      return saveSettings({ pmp });
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: settingsKeys.all }),
  });

  function authCandidate(): { auth: unknown; keyError?: string } {
    if (authMode === 'none') return { auth: { mode: 'none' } };
    if (authMode === 'bearer') return { auth: { mode: 'bearer', token: token.trim() } };
    const key = currentKey();
    const auth = { mode: 'smart-backend', clientId: clientId.trim(), scope: scope.trim(), ...(tokenUrl.trim() ? { tokenUrl: tokenUrl.trim() } : {}), ...(key.ok ? { privateKey: key.jwk } : {}) };
    return key.ok ? { auth } : { auth, keyError: key.error };
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const seconds = Number(timeoutSeconds);
    const { auth, keyError } = kind === 'fhir' ? authCandidate() : { auth: undefined };
    const candidate =
      kind === 'bundled'
        ? { kind }
        : {
            kind,
            label: label.trim(),
            baseUrl: baseUrl.trim().replace(/\/+$/, ''),
            auth,
            timeoutMs: Number.isFinite(seconds) && timeoutSeconds.trim() !== '' ? Math.round(seconds * 1000) : Number.NaN,
          };
    const parsed = PmpConnection.safeParse(candidate);
    const found = parsed.success ? {} : issuesByField(parsed.error.issues, (i) => i.message, fieldOf);
    // A missing key is said in words before zod's "kty" message would be.
    if (keyError) found.privateKey = keyError;
    if (!parsed.success || keyError) {
      setErrors(found);
      save.reset();
      return;
    }
    setErrors({});
    if (authMode === 'smart-backend' && pasted.trim() && parsed.data.kind === 'fhir' && parsed.data.auth.mode === 'smart-backend') {
      setPrivateKey(parsed.data.auth.privateKey);
      setPasted('');
    }
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
          <fieldset className="auth-mode">
            <legend>How the extension signs in to the PMP</legend>
            <label>
              <input type="radio" name="auth-mode" value="none" checked={authMode === 'none'} onChange={() => { setAuthMode('none'); }} /> No sign-in
            </label>
            <label>
              <input type="radio" name="auth-mode" value="bearer" checked={authMode === 'bearer'} onChange={() => { setAuthMode('bearer'); }} /> Bearer token
            </label>
            <label>
              <input type="radio" name="auth-mode" value="smart-backend" checked={authMode === 'smart-backend'} onChange={() => { setAuthMode('smart-backend'); }} /> SMART
              Backend Services (signed client assertion)
            </label>
          </fieldset>
          {err('auth')}
          {authMode === 'bearer' && (
            <>
              <label>
                Bearer token
                <input name="token" type="password" value={token} onChange={(e) => { setToken(e.target.value); }} autoComplete="off" {...described('token')} />
              </label>
              {err('token')}
            </>
          )}
          {authMode === 'smart-backend' && (
            <div className="smart-backend grid">
              <label>
                Client ID
                <input name="clientId" value={clientId} autoComplete="off" onChange={(e) => { setClientId(e.target.value); }} {...described('clientId')} />
              </label>
              {err('clientId')}
              <label>
                Scope
                <input name="scope" value={scope} onChange={(e) => { setScope(e.target.value); }} {...described('scope')} />
              </label>
              {err('scope')}
              <label>
                Token URL (leave empty to discover it from the PMP)
                <input name="tokenUrl" value={tokenUrl} inputMode="url" placeholder="found in .well-known/smart-configuration" onChange={(e) => { setTokenUrl(e.target.value); }} {...described('tokenUrl')} />
              </label>
              {err('tokenUrl')}
              <div className="key-row">
                <label>
                  Key type
                  <select name="keyAlg" value={keyAlg} onChange={(e) => { setKeyAlg(SigningAlg.catch('ES384').parse(e.target.value)); }}>
                    <option value="ES384">ES384 (EC P-384)</option>
                    <option value="RS384">RS384 (RSA 2048)</option>
                  </select>
                </label>
                <button type="button" className="secondary" disabled={generate.isPending} onClick={() => { generate.mutate(); }}>
                  {generate.isPending ? 'Generating…' : privateKey ? 'Generate a new key pair' : 'Generate a key pair'}
                </button>
              </div>
              {generate.isError && (
                <span className="field-error" role="alert">
                  This browser could not generate a key pair.
                </span>
              )}
              {privateKey && jwks && (
                <label>
                  Public key to register with the PMP (JWKS)
                  <textarea name="publicJwks" className="jwks" readOnly rows={privateKey.kty === 'EC' ? 14 : 19} value={jwks} />
                </label>
              )}
              {privateKey && jwks && (
                <button type="button" className="secondary" onClick={() => { copy.mutate(jwks); }}>
                  {copy.isSuccess ? 'Copied ✓' : 'Copy the public key'}
                </button>
              )}
              {privateKey && (
                <span className="hint" data-testid="key-status">
                  A private key is kept in this browser&apos;s local extension storage only (never synced, never shown). Give the PMP the public key above.
                </span>
              )}
              <label>
                Or paste an existing private key (JWK)
                <textarea name="privateKey" className="jwk-paste" rows={3} value={pasted} spellCheck={false} autoComplete="off" placeholder='{"kty": "EC", "crv": "P-384", "x": …, "y": …, "d": …}' onChange={(e) => { setPasted(e.target.value); }} {...described('privateKey')} />
              </label>
              {err('privateKey')}
              {pasted.trim() && (
                <button type="button" className="secondary" onClick={applyPasted}>
                  Use this private key
                </button>
              )}
            </div>
          )}
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
        <div className="connection-report" role="status" data-testid="connection-report" data-ok={String(check.data.ok)} data-problem={check.data.problem ?? ''}>
          <strong>{check.data.ok ? 'Connection works ✓' : 'Connection failed'}</strong>
          <ul>
            {check.data.checks.map((c) => (
              <li key={c.step} className={c.ok ? 'ok' : 'bad'} data-step={c.step}>
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
