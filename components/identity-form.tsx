import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import { Identity, saveSettings } from '@/lib/storage/settings';
import { settingsKeys } from '@/lib/storage/settings-query';

const IdentityInput = Identity.omit({ userId: true });

/**
 * Who is reviewing: name, role, and NPI/DEA for prescribers (they go on every attestation and,
 * for a delegate, the prescribers they review for are set in the delegates form). Saved to local
 * extension storage.
 */
export function IdentityForm({ current, compact = false }: { current: Identity | null; compact?: boolean }) {
  const qc = useQueryClient();
  const [name, setName] = useState(current?.name ?? '');
  const [role, setRole] = useState<Identity['role']>(current?.role ?? 'prescriber');
  const [npi, setNpi] = useState(current?.npi ?? '');
  const [dea, setDea] = useState(current?.dea ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: (identity: Identity) => saveSettings({ identity }),
    onSuccess: () => qc.invalidateQueries({ queryKey: settingsKeys.all }),
  });

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    // A delegate has no NPI/DEA of their own on the record: the supervising prescriber's are used.
    const ids = role === 'prescriber' ? { ...(npi.trim() ? { npi: npi.trim() } : {}), ...(dea.trim() ? { dea: dea.trim().toUpperCase() } : {}) } : {};
    const parsed = IdentityInput.safeParse({ name, role, ...ids });
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])));
      return;
    }
    setErrors({});
    save.mutate({ userId: current?.userId ?? crypto.randomUUID(), ...parsed.data });
  }

  return (
    <form className="identity-form" onSubmit={onSubmit} aria-label="Who is reviewing" noValidate>
      {compact && <p className="hint">Before your first review: who is reviewing?</p>}
      <label>
        Your name
        <input name="name" value={name} onChange={(e) => { setName(e.target.value); }} aria-invalid={Boolean(errors.name)} autoComplete="name" />
      </label>
      {errors.name && <span className="field-error">{errors.name}</span>}
      <fieldset>
        <legend>Role</legend>
        <label>
          <input type="radio" name="role" checked={role === 'prescriber'} onChange={() => { setRole('prescriber'); }} /> Prescriber
        </label>
        <label>
          <input type="radio" name="role" checked={role === 'delegate'} onChange={() => { setRole('delegate'); }} /> Delegate (reviewing for a prescriber)
        </label>
      </fieldset>
      {role === 'prescriber' && (
        <label>
          NPI (optional)
          <input name="npi" value={npi} inputMode="numeric" onChange={(e) => { setNpi(e.target.value); }} aria-invalid={Boolean(errors.npi)} />
        </label>
      )}
      {errors.npi && <span className="field-error">{errors.npi}</span>}
      {role === 'prescriber' && !compact && (
        <label>
          DEA number (optional)
          <input name="dea" value={dea} autoComplete="off" onChange={(e) => { setDea(e.target.value); }} aria-invalid={Boolean(errors.dea)} />
        </label>
      )}
      {errors.dea && <span className="field-error">{errors.dea}</span>}
      <button type="submit" disabled={save.isPending}>
        Save
      </button>
      {save.isError && <span className="field-error">{save.error instanceof z.ZodError ? save.error.issues[0]?.message : 'Could not save'}</span>}
      {save.isSuccess && !compact && <span className="saved">Saved ✓</span>}
    </form>
  );
}
