import { useMutation, useQueryClient } from '@tanstack/react-query';
import './practice-log.css';
import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import { saveSettings, SupervisingPrescriber, type Settings } from '@/lib/storage/settings';
import { settingsKeys } from '@/lib/storage/settings-query';

interface Row {
  key: number;
  name: string;
  npi: string;
  dea: string;
}

let nextKey = 1;
const toRow = (p: SupervisingPrescriber): Row => ({ key: nextKey++, name: p.name, npi: p.npi ?? '', dea: p.dea ?? '' });
const emptyRow = (): Row => ({ key: nextKey++, name: '', npi: '', dea: '' });

/**
 * The prescribers a delegate reviews for. The side panel offers them in its picker; the PMP
 * request and every attestation name the one chosen, with their NPI and DEA number.
 */
export function DelegatesForm({ settings }: { settings: Settings }) {
  const qc = useQueryClient();
  const [rows, setRows] = useState<Row[]>(() => (settings.supervisingPrescribers.length ? settings.supervisingPrescribers.map(toRow) : [emptyRow()]));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: (supervisingPrescribers: SupervisingPrescriber[]) => saveSettings({ supervisingPrescribers }),
    onSuccess: () => qc.invalidateQueries({ queryKey: settingsKeys.all }),
  });
  const isDelegate = settings.identity?.role === 'delegate';

  function update(key: number, field: keyof Omit<Row, 'key'>, value: string) {
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, [field]: value } : r)));
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const filled = rows.filter((r) => r.name.trim() || r.npi.trim() || r.dea.trim());
    const problems: Record<string, string> = {};
    const out: SupervisingPrescriber[] = [];
    for (const r of filled) {
      const parsed = SupervisingPrescriber.safeParse({
        name: r.name,
        ...(r.npi.trim() ? { npi: r.npi.trim() } : {}),
        ...(r.dea.trim() ? { dea: r.dea.trim().toUpperCase() } : {}),
      });
      if (parsed.success) out.push(parsed.data);
      else for (const i of parsed.error.issues) problems[`${String(r.key)}.${String(i.path[0])}`] = i.message;
    }
    const names = out.map((p) => p.name.toLowerCase());
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) problems.form = 'Each prescriber once, please';
    setErrors(problems);
    if (Object.keys(problems).length === 0) save.mutate(out);
  }

  return (
    <section aria-labelledby="delegates">
      <h2 id="delegates">Delegates: the prescribers you review for</h2>
    <form className="delegates-form" onSubmit={onSubmit} aria-label="Prescribers you review for" noValidate>
      <p className="hint">
        {isDelegate
          ? 'You review as a delegate: list the prescribers you review for. You pick one of them in the side panel, and the PMP request and the record name both of you.'
          : 'Only used when you review as a delegate (an authorized agent) for one or more prescribers.'}
      </p>
      {rows.map((r, i) => (
        <fieldset key={r.key} className="prescriber-row" aria-label={`Prescriber ${String(i + 1)}`}>
          <label>
            Prescriber&apos;s name
            <input value={r.name} onChange={(e) => { update(r.key, 'name', e.target.value); }} aria-invalid={Boolean(errors[`${String(r.key)}.name`])} />
          </label>
          <label>
            NPI
            <input value={r.npi} inputMode="numeric" onChange={(e) => { update(r.key, 'npi', e.target.value); }} aria-invalid={Boolean(errors[`${String(r.key)}.npi`])} />
          </label>
          <label>
            DEA number
            <input value={r.dea} autoComplete="off" onChange={(e) => { update(r.key, 'dea', e.target.value); }} aria-invalid={Boolean(errors[`${String(r.key)}.dea`])} />
          </label>
          <button type="button" className="secondary" aria-label={`Remove prescriber ${String(i + 1)}`} onClick={() => { setRows((rs) => (rs.length > 1 ? rs.filter((x) => x.key !== r.key) : [emptyRow()])); }}>
            Remove
          </button>
          {(['name', 'npi', 'dea'] as const).map((f) => {
            const msg = errors[`${String(r.key)}.${f}`];
            return msg ? <span key={f} className="field-error">{msg}</span> : null;
          })}
        </fieldset>
      ))}
      <div className="actions">
        <button type="button" className="secondary" onClick={() => { setRows((rs) => [...rs, emptyRow()]); }}>
          Add a prescriber
        </button>
        <button type="submit" disabled={save.isPending}>
          Save prescribers
        </button>
        {errors.form && <span className="field-error">{errors.form}</span>}
        {save.isError && <span className="field-error">{save.error instanceof z.ZodError ? save.error.issues[0]?.message : 'Could not save'}</span>}
        {save.isSuccess && <span className="saved">Prescribers saved ✓</span>}
      </div>
    </form>
    </section>
  );
}
