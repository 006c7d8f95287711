import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { Order, Setting } from '@/lib/orders/order';
import { ContinuousTherapySource } from '@/lib/rules/context';
import { describeLimitCase } from '@/lib/rules/advisories/supply-limit';
import type { Decision } from '@/lib/rules/decision';
import { evaluateOrder } from '@/lib/rules/engine';
import { inForce, StatePack, type NotModelled, type RuleConfig, type SupplyLimit } from '@/lib/rules/pack';
import { listPacks, resolvePack } from '@/lib/rules/packs';
import { describeRule } from '@/lib/rules/registry';
import { localDate } from '@/lib/rules/rules/time';
import { saveSettings, type Settings } from '@/lib/storage/settings';
import { settingsKeys } from '@/lib/storage/settings-query';

const STYLE = `
.sr-banner { border: 1px solid; border-left-width: 6px; border-radius: 6px; padding: 8px 12px; margin: 10px 0; }
.sr-banner.pdaps { background: #fff7ed; border-color: #c2410c; color: #431407; }
.sr-banner.verified { background: #ecfdf3; border-color: #15803d; color: #0b3d1f; }
.sr-banner.admin { background: #eff6ff; border-color: #1d4ed8; color: #172554; }
.sr-pick { display: flex; gap: 12px; align-items: end; flex-wrap: wrap; }
.sr-pick select, .sr-try select, .sr-edit textarea { font: inherit; padding: 5px 8px; border: 1px solid #9ca3af; border-radius: 4px; }
.sr-list { list-style: none; padding: 0; margin: 6px 0; display: grid; gap: 8px; }
.sr-item { background: #fff; border: 1px solid #e5e7eb; border-radius: 6px; padding: 8px 12px; }
.sr-item p { margin: 2px 0; }
.sr-meta { font-size: 12.5px; color: #4b5563; }
.sr-tag { display: inline-block; font-size: 11.5px; font-weight: 600; border-radius: 10px; padding: 0 8px; margin-right: 6px; border: 1px solid; }
.sr-tag.v { color: #166534; border-color: #86efac; background: #f0fdf4; }
.sr-tag.u { color: #9a3412; border-color: #fdba74; background: #fff7ed; }
.sr-tag.p { color: #6b21a8; border-color: #d8b4fe; background: #faf5ff; }
.sr-quote { font-style: italic; }
.sr-try { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 8px; align-items: end; }
.sr-result { margin-top: 10px; }
.sr-status { font-weight: 700; }
.sr-status.due { color: #9a3412; } .sr-status.reviewed, .sr-status.not-required { color: #166534; } .sr-status.undetermined, .sr-status.pmp-unavailable { color: #374151; }
.sr-advisory { background: #fefce8; border: 1px solid #facc15; border-radius: 6px; padding: 6px 10px; margin: 6px 0; }
.sr-edit textarea { width: 100%; box-sizing: border-box; min-height: 260px; font-family: ui-monospace, monospace; font-size: 12px; }
.sr-edit { margin-top: 12px; }
.sr-edit .sr-pick { margin-top: 8px; }
.sr-diff { border-collapse: collapse; width: 100%; background: #fff; font-size: 13px; }
.sr-diff th, .sr-diff td { text-align: left; vertical-align: top; padding: 4px 6px; border-bottom: 1px solid #e5e7eb; }
`;

const SETTING_LABELS: Record<Setting, string> = {
  outpatient: 'outpatient',
  inpatient: 'inpatient',
  ed: 'emergency department',
  hospice: 'hospice',
  'long-term-care': 'long-term care',
};

function period(c: { effective: string; through?: string | undefined }): string {
  return c.through ? `${c.effective} to ${c.through}` : `since ${c.effective}`;
}

function OriginTag({ verified, origin }: { verified: boolean; origin: string }) {
  if (origin === 'pdaps') return <span className="sr-tag p">PDAPS, not verified since 2019</span>;
  if (origin === 'admin') return <span className="sr-tag u">edited by an administrator</span>;
  return verified ? <span className="sr-tag v">verified</span> : <span className="sr-tag u">unverified</span>;
}

function RuleItem({ rule }: { rule: RuleConfig }) {
  return (
    <li className="sr-item" data-rule-id={rule.id}>
      <p>
        <OriginTag verified={rule.verified} origin={rule.origin} />
        <strong>{describeRule(rule)}</strong>
        {!rule.enabled && <em> (switched off)</em>}
      </p>
      {rule.wording && <p className="sr-meta">The source's words: <span className="sr-quote">“{rule.wording}”</span></p>}
      {rule.settings && <p className="sr-meta">Only orders written in: {rule.settings.map((x) => SETTING_LABELS[x]).join(', ')}.</p>}
      {rule.minAgeYears !== undefined && <p className="sr-meta">Only patients aged {rule.minAgeYears} or older.</p>}
      <p className="sr-meta">
        <cite>{rule.citation.statute}</cite> · in force {period(rule.citation)} · rule id {rule.id}
      </p>
      {rule.exemptions.length > 0 ? (
        <p className="sr-meta">
          Exceptions, in the state's words:{' '}
          {rule.exemptions.map((e, i) => (
            <span key={`${e.kind}-${String(i)}`}>
              {i > 0 ? '; ' : ''}
              <span className="sr-quote">“{e.wording}”</span>
              {e.maxDays !== undefined ? ` (up to ${String(e.maxDays)} days)` : ''}
            </span>
          ))}
        </p>
      ) : (
        <p className="sr-meta">No exceptions.</p>
      )}
      {rule.citation.caution && (
        <details className="sr-meta">
          <summary>Coder's note</summary>
          {rule.citation.caution}
        </details>
      )}
      {rule.citation.fullText && (
        <details className="sr-meta">
          <summary>All sources</summary>
          {rule.citation.fullText}
        </details>
      )}
    </li>
  );
}

function LimitItem({ limit }: { limit: SupplyLimit }) {
  return (
    <li className="sr-item" data-limit-id={limit.id}>
      <p>
        <OriginTag verified={limit.verified} origin={limit.origin} />
        <strong>
          {limit.maxDays} days at most for {describeLimitCase(limit)}
          {limit.schedules ? ` (${limit.schedules.join(', ')})` : ''}
        </strong>
      </p>
      {limit.otherLimitsDays.length > 0 && (
        <p className="sr-meta">The source also codes {limit.otherLimitsDays.join(', ')} days for cases it does not tell apart; the shortest is used.</p>
      )}
      {limit.exceptions.length > 0 && <p className="sr-meta">Exceptions the prescriber can document: {limit.exceptions.map((e) => e.wording).join('; ')}.</p>}
      <p className="sr-meta">
        <cite>{limit.citation.statute}</cite> · in force {period(limit.citation)} · an advisory beside the PMP decision, never a block
      </p>
    </li>
  );
}

function NotModelledItem({ item }: { item: NotModelled }) {
  return (
    <li className="sr-item">
      <p>
        <span className="sr-quote">“{item.answer}”</span> <span className="sr-meta">({item.question})</span>
      </p>
      <p className="sr-meta">
        Not checked automatically: {item.reason}
        {item.prescriber ? '' : ' It does not bind prescribers.'}
      </p>
      <p className="sr-meta">
        <cite>{item.citation.statute}</cite> · {period(item.citation)}
      </p>
      {item.citation.caution && (
        <details className="sr-meta">
          <summary>Coder's note</summary>
          {item.citation.caution}
        </details>
      )}
    </li>
  );
}

function Split<T extends { citation: { effective: string; through?: string | undefined } }>({
  items,
  today,
  render,
  none,
  earlierLabel,
}: {
  items: readonly T[];
  today: string;
  render: (item: T, i: number) => ReactNode;
  none: string;
  earlierLabel: string;
}) {
  const current = items.filter((i) => inForce(i.citation, today) || i.citation.effective > today);
  const earlier = items.filter((i) => !current.includes(i));
  return (
    <>
      {current.length ? <ul className="sr-list">{current.map(render)}</ul> : <p className="hint">{none}</p>}
      {earlier.length > 0 && (
        <details>
          <summary>
            {earlierLabel} ({earlier.length})
          </summary>
          <ul className="sr-list">{earlier.map(render)}</ul>
        </details>
      )}
    </>
  );
}

function Banner({ pack }: { pack: StatePack }) {
  const pdapsParts = pack.rules.some((r) => r.origin === 'pdaps') || pack.limits.some((l) => l.origin === 'pdaps');
  if (pack.provenance.kind === 'pdaps') {
    return (
      <p className="sr-banner pdaps" role="note" data-testid="pack-banner">
        <strong>Not verified since 2019.</strong> {pack.provenance.statement} Check the state's current law before relying on it.
      </p>
    );
  }
  return (
    <>
      <p className={`sr-banner ${pack.provenance.kind === 'admin' ? 'admin' : 'verified'}`} role="note" data-testid="pack-banner">
        {pack.provenance.statement}
      </p>
      {pdapsParts && (
        <p className="sr-banner pdaps" role="note">
          Parts marked PDAPS were coded from the law in force to 2019-12-31 (PDAPS), not verified since.
        </p>
      )}
    </>
  );
}


function DecisionView({ decision }: { decision: Decision }) {
  return (
    <div className="sr-result" role="status" data-testid="try-result" data-status={decision.status}>
      <p>
        <span className={`sr-status ${decision.status}`}>{decision.status}</span> — {decision.headline}
      </p>
      {decision.reasons.length > 0 && (
        <ul>
          {decision.reasons.map((r) => (
            <li key={r.ruleId}>
              {r.text} — <cite>{r.citation}</cite>
            </li>
          ))}
        </ul>
      )}
      {decision.exemptions?.map((e) => (
        <p key={e.ruleId} className="sr-meta">
          Exempt from {e.ruleId}: “{e.wording}”
        </p>
      ))}
      {decision.advisories?.map((a) => (
        <div key={a.id} className="sr-advisory" data-testid="try-advisory">
          <strong>Supply limit:</strong> {a.text}
          {a.assumptions.length > 0 && <div className="sr-meta">Applies if {a.assumptions.join(' and ')}.</div>}
          {a.exceptions.length > 0 && <div className="sr-meta">Exceptions the prescriber can document: {a.exceptions.join('; ')}.</div>}
          <div className="sr-meta">
            <cite>{a.citation}</cite>
          </div>
        </div>
      ))}
      {decision.notes.map((n) => (
        <p key={n} className="sr-meta">
          {n}
        </p>
      ))}
      <p className="sr-meta">
        Law as of {decision.asOf ?? '—'} · {decision.supply.explanation}
      </p>
    </div>
  );
}

function TryOrder({ pack, settings, today }: { pack: StatePack; settings: Settings; today: string }) {
  const id = useId();
  const [drug, setDrug] = useState('oxycodone 5 mg tablet');
  const [quantity, setQuantity] = useState('40');
  const [sig, setSig] = useState('1 tab PO q6h PRN pain');
  const [date, setDate] = useState(today);
  const [setting, setSetting] = useState('');
  const [age, setAge] = useState('');
  const [course, setCourse] = useState('');
  const [result, setResult] = useState<{ decision?: Decision; error?: string } | null>(null);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T12:00:00Z`))) {
      setResult({ error: 'Enter the date as YYYY-MM-DD.' });
      return;
    }
    const parsed = Order.safeParse({
      drugText: drug.trim(),
      ...(quantity.trim() ? { quantity: Number(quantity) } : {}),
      ...(sig.trim() ? { sig: sig.trim() } : {}),
      ...(setting ? { setting } : {}),
      ...(age.trim() ? { patientAgeYears: Number(age) } : {}),
      ...(course ? { continuousTherapy: course === 'continuing' } : {}),
    });
    if (!parsed.success) {
      setResult({ error: parsed.error.issues.map((i) => `${i.path.join('.') || 'order'}: ${i.message}`).join('; ') });
      return;
    }
    try {
      const decision = evaluateOrder({
        order: parsed.data,
        history: [],
        now: new Date(`${date}T12:00:00Z`),
        asOf: date,
        pack,
        settings: { continuousTherapy: settings.continuousTherapy },
      });
      setResult({ decision });
    } catch (err) {
      setResult({ error: err instanceof Error ? err.message : String(err) });
    }
  }

  return (
    <section aria-labelledby={`${id}-try`}>
      <h3 id={`${id}-try`}>Try an order</h3>
      <p className="hint">Ask what {pack.name}'s law required on any date from {pack.coverageFrom}: for an audit of past prescriptions, or to see a rule at work. Nothing is saved.</p>
      <form onSubmit={onSubmit} className="sr-try" noValidate data-testid="try-form">
        <label>
          Drug
          <input name="drug" value={drug} onChange={(e) => { setDrug(e.target.value); }} />
        </label>
        <label>
          Quantity
          <input name="quantity" inputMode="decimal" value={quantity} onChange={(e) => { setQuantity(e.target.value); }} />
        </label>
        <label>
          Directions
          <input name="sig" value={sig} onChange={(e) => { setSig(e.target.value); }} />
        </label>
        <label>
          Date of the order
          <input name="asOf" type="date" value={date} onChange={(e) => { setDate(e.target.value); }} />
        </label>
        <label>
          Setting
          <select name="setting" value={setting} onChange={(e) => { setSetting(e.target.value); }}>
            <option value="">not known</option>
            {Setting.options.map((s) => (
              <option key={s} value={s}>
                {SETTING_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Patient age (years)
          <input name="age" inputMode="numeric" value={age} onChange={(e) => { setAge(e.target.value); }} />
        </label>
        <label>
          Treatment
          <select name="course" value={course} onChange={(e) => { setCourse(e.target.value); }}>
            <option value="">not known</option>
            <option value="new">starts a course</option>
            <option value="continuing">continues a course</option>
          </select>
        </label>
        <button type="submit">Check this order</button>
      </form>
      {result?.error && (
        <p className="field-error" role="alert">
          {result.error}
        </p>
      )}
      {result?.decision && <DecisionView decision={result.decision} />}
    </section>
  );
}

/** Where an issue is, readably: `rules[1].intervalDays (rule "ct-periodic")`. */
function issuePlace(path: readonly PropertyKey[], raw: unknown): string {
  let place = '';
  for (const key of path) place += typeof key === 'number' ? `[${String(key)}]` : `${place ? '.' : ''}${String(key)}`;
  const [list, index] = path;
  if ((list === 'rules' || list === 'limits') && typeof index === 'number' && typeof raw === 'object' && raw !== null) {
    const item = (raw as Record<string, unknown>)[list];
    const id = Array.isArray(item) ? (item[index] as { id?: unknown } | undefined)?.id : undefined;
    if (typeof id === 'string') place += ` (${list === 'rules' ? 'rule' : 'limit'} "${id}")`;
  }
  return place || 'pack';
}

/** Checks an edited or imported pack for `state`: the pack, or what is wrong with it, field by field. */
function checkPack(text: string, state: string): { pack: StatePack } | { error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { error: `Not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  const parsed = StatePack.safeParse(raw);
  if (!parsed.success) return { error: parsed.error.issues.slice(0, 5).map((i) => `${issuePlace(i.path, raw)}: ${i.message}`).join('; ') };
  if (parsed.data.state !== state) return { error: `This pack is for ${parsed.data.state}; edit ${state}'s pack here.` };
  return { pack: parsed.data };
}

function EditPack({ pack, settings, edited }: { pack: StatePack; settings: Settings; edited: boolean }) {
  const qc = useQueryClient();
  const [text, setText] = useState(() => JSON.stringify(pack, null, 2));
  const [error, setError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (packEdits: Record<string, unknown>) => saveSettings({ packEdits }),
    onSuccess: () => qc.invalidateQueries({ queryKey: settingsKeys.all }),
  });

  function commit(checked: StatePack) {
    setError(null);
    const stamped: StatePack =
      checked.provenance.kind === 'admin'
        ? checked
        : { ...checked, provenance: { ...checked.provenance, kind: 'admin', statement: `Edited by an administrator on ${new Date().toISOString().slice(0, 10)}. ${checked.provenance.statement}` } };
    save.mutate({ ...settings.packEdits, [pack.state]: stamped });
  }

  function onSave() {
    const checked = checkPack(text, pack.state);
    if ('error' in checked) setError(checked.error);
    else commit(checked.pack);
  }

  /** A pack from a file: checked like an edit; a file that does not pass changes nothing. */
  function onImport(input: HTMLInputElement) {
    const file = input.files?.[0];
    if (!file) return;
    file
      .text()
      .then((content) => {
        const checked = checkPack(content, pack.state);
        if ('error' in checked) {
          setError(`${file.name} was not imported, nothing changed. ${checked.error}`);
          return;
        }
        setText(JSON.stringify(checked.pack, null, 2));
        commit(checked.pack);
      })
      .catch((e: unknown) => {
        setError(`${file.name} could not be read: ${e instanceof Error ? e.message : String(e)}`);
      })
      .finally(() => {
        // The same file can be chosen again after it is fixed.
        input.value = '';
      });
  }

  function onExport() {
    const url = URL.createObjectURL(new Blob([JSON.stringify(pack, null, 2)], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `pmp-check-pack-${pack.state}-${pack.version}.json`;
    a.click();
    setTimeout(() => {
      URL.revokeObjectURL(url);
    }, 1000);
  }

  function onRestore() {
    const rest = Object.fromEntries(Object.entries(settings.packEdits).filter(([k]) => k !== pack.state));
    save.mutate(rest);
  }

  return (
    <details className="sr-edit">
      <summary>Edit this pack (administrators)</summary>
      <p className="hint">
        The pack is data: change a threshold, switch a rule off (<code>"enabled": false</code>) or add one, then save, or import a pack exported earlier. It is
        checked before it is used; the shipped pack stays one click away.
      </p>
      <textarea aria-label={`${pack.name} pack as JSON`} value={text} onChange={(e) => { setText(e.target.value); }} spellCheck={false} />
      <div className="sr-pick">
        <button type="button" onClick={onSave} disabled={save.isPending}>
          Save edited pack
        </button>
        {edited && (
          <button type="button" onClick={onRestore} disabled={save.isPending}>
            Restore the shipped pack
          </button>
        )}
        {save.isSuccess && !error && <span className="saved">Saved ✓</span>}
      </div>
      <div className="sr-pick sr-files">
        <label>
          Import a pack (JSON file)
          <input type="file" name="pack-import" accept="application/json,.json" onChange={(e) => { onImport(e.currentTarget); }} disabled={save.isPending} />
        </label>
        <button type="button" className="secondary" onClick={onExport}>
          Export {pack.state}'s pack (JSON)
        </button>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {save.isError && (
        <p className="field-error" role="alert">
          Could not save: {save.error.message}
        </p>
      )}
    </details>
  );
}

/** How "continuous or prolonged treatment" (periodic reviews) is decided: a practice setting. */
function ContinuitySetting({ settings }: { settings: Settings }) {
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: (continuousTherapy: ContinuousTherapySource) => saveSettings({ continuousTherapy }),
    onSuccess: () => qc.invalidateQueries({ queryKey: settingsKeys.all }),
  });
  return (
    <div className="sr-pick">
      <label>
        Continuing treatment (for periodic reviews) is read from
        <select
          name="continuousTherapy"
          value={settings.continuousTherapy}
          disabled={save.isPending}
          onChange={(e) => {
            const parsed = ContinuousTherapySource.safeParse(e.target.value);
            if (parsed.success) save.mutate(parsed.data);
          }}
        >
          <option value="order-flag">the order: the prescriber's answer or the EHR's long-term flag</option>
          <option value="order-flag-or-history">the order, or a PMP review on record from an earlier visit this year</option>
        </select>
      </label>
      {save.isSuccess && <span className="saved">Saved ✓</span>}
      {save.isError && (
        <span className="field-error" role="alert">
          Could not save: {save.error.message}
        </span>
      )}
    </div>
  );
}

/** The options page's view of any state's pack in plain language, with a "try an order" box. */
export function StateRules({ settings }: { settings: Settings }) {
  const id = useId();
  const qc = useQueryClient();
  const [code, setCode] = useState(settings.state);
  const packs = useMemo(() => listPacks(), []);
  const resolved = useMemo(() => {
    try {
      return { ok: true as const, ...resolvePack(code, settings.packEdits) };
    } catch (e) {
      return { ok: false as const, error: e instanceof Error ? e.message : String(e) };
    }
  }, [code, settings.packEdits]);
  const use = useMutation({
    mutationFn: (state: string) => saveSettings({ state }),
    onSuccess: () => qc.invalidateQueries({ queryKey: settingsKeys.all }),
  });

  return (
    <section aria-labelledby={`${id}-rules`} data-testid="state-rules">
      <style>{STYLE}</style>
      <h2 id={`${id}-rules`}>State rules</h2>
      <div className="sr-pick">
        <label>
          Show the rules of
          <select name="state" value={code} onChange={(e) => { setCode(e.target.value); }}>
            {!packs.some((p) => p.code === code) && <option value={code}>{code} (unknown)</option>}
            {packs.map((p) => (
              <option key={p.code} value={p.code}>
                {p.name} ({p.code}){p.verified ? ' — verified' : ''}
              </option>
            ))}
          </select>
        </label>
        {code === settings.state ? (
          <span className="hint">This practice's state.</span>
        ) : (
          <button type="button" onClick={() => { use.mutate(code); }} disabled={use.isPending || !resolved.ok}>
            Use {code} for this practice
          </button>
        )}
        {use.isError && <span className="field-error" role="alert">Could not save: {use.error.message}</span>}
      </div>
      <ContinuitySetting settings={settings} />
      {!resolved.ok ? (
        <p className="field-error" role="alert">
          {resolved.error}
        </p>
      ) : (
        <PackView key={`${code}-${resolved.pack.version}-${resolved.pack.provenance.kind}`} pack={resolved.pack} editError={resolved.editError} settings={settings} />
      )}
    </section>
  );
}

function PackView({ pack, editError, settings }: { pack: StatePack; editError: string | undefined; settings: Settings }) {
  const id = useId();
  const today = localDate(new Date(), pack.timeZone);
  const delegate = pack.delegates.find((d) => inForce(d.citation, today));
  const edited = settings.packEdits[pack.state] !== undefined;
  return (
    <div data-testid="pack-view" data-state={pack.state}>
      <h3>{pack.name}</h3>
      {editError && (
        <p className="field-error" role="alert">
          {editError}
        </p>
      )}
      <Banner pack={pack} />
      <p>{pack.summary}</p>
      <p className="hint">
        Pack {pack.version} · law coded from {pack.coverageFrom} · sources: {pack.sources.join('; ')}
      </p>

      <h3 id={`${id}-when`}>When a PMP review is required</h3>
      <Split items={pack.rules} today={today} render={(r) => <RuleItem key={`${r.id}-${r.citation.effective}`} rule={r} />} none={`No PMP review mandate for prescribers is in force on ${today}.`} earlierLabel="Earlier law" />

      <h3>Who may check</h3>
      {delegate ? (
        <p>
          <OriginTag verified={delegate.verified} origin={delegate.verified ? 'verified' : 'pdaps'} />
          {delegate.allowed ? `Delegates may check the PMP${delegate.kinds.length ? `: ${delegate.kinds.join('; ')}` : ''}.` : 'Only the prescriber: the law does not let delegates check, so a delegate\'s review does not count.'}{' '}
          <cite>{delegate.citation.statute}</cite>
        </p>
      ) : (
        <p className="hint">Not coded for {today}.</p>
      )}

      <h3>Opioid supply limits</h3>
      <Split items={pack.limits} today={today} render={(l) => <LimitItem key={`${l.id}-${l.citation.effective}`} limit={l} />} none="No opioid day-supply limit is coded." earlierLabel="Earlier limits" />

      {pack.stateAdditions.length > 0 && (
        <>
          <h3>Drugs this state schedules beyond the federal list</h3>
          <ul className="sr-list">
            {pack.stateAdditions.map((a) => (
              <li key={a.ingredient} className="sr-item">
                <OriginTag verified={a.verified} origin="verified" />
                <strong>
                  {a.ingredient}: {a.schedule}
                </strong>
                {a.effective ? ` since ${a.effective}` : ''} <span className="sr-meta">— {a.source}</span>
              </li>
            ))}
          </ul>
        </>
      )}

      <h3>Not modelled ({pack.notModelled.length})</h3>
      <p className="hint">Parts of the law the engine cannot check from an order. They stay here, with their wording and citation, for the prescriber to apply.</p>
      <Split items={pack.notModelled} today={today} render={(n, i) => <NotModelledItem key={`${n.question}-${n.citation.effective}-${String(i)}`} item={n} />} none="Nothing: every coded answer is modelled." earlierLabel="Earlier" />

      {pack.differences.length > 0 && (
        <>
          <h3>Where this pack differs from PDAPS</h3>
          <table className="sr-diff">
            <thead>
              <tr>
                <th scope="col">Topic</th>
                <th scope="col">PDAPS</th>
                <th scope="col">Verified</th>
                <th scope="col">Used</th>
                <th scope="col">Source</th>
              </tr>
            </thead>
            <tbody>
              {pack.differences.map((d) => (
                <tr key={d.topic}>
                  <td>{d.topic}</td>
                  <td>{d.pdaps}</td>
                  <td>{d.verified}</td>
                  <td>{d.winner === 'verified' ? 'verified' : 'PDAPS'}</td>
                  <td>{d.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}

      <TryOrder pack={pack} settings={settings} today={today} />
      <EditPack pack={pack} settings={settings} edited={edited} />
    </div>
  );
}
