import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { getPack } from '@/lib/rules/packs';
import { DEFAULT_SETTINGS, resetSettings, type FhirPmpConnection, type Settings } from '@/lib/storage/settings';
import { settingsKeys } from '@/lib/storage/settings-query';
import './reset-settings.css';

function stateName(code: string): string {
  try {
    return `${getPack(code).name} (${code})`;
  } catch {
    return code;
  }
}

function count(n: number, one: string, many: string): string {
  return `${String(n)} ${n === 1 ? one : many}`;
}

const IDENTIFIERS: Record<Settings['patientIdentifiers'], string> = {
  'mrn-initials-dob': 'MRN, initials, date of birth',
  'mrn-initials': 'MRN, initials',
  mrn: 'MRN only',
};
const CONTINUITY: Record<Settings['continuousTherapy'], string> = {
  'order-flag': 'the order',
  'order-flag-or-history': 'the order or an earlier review',
};

/** What the stored PMP credentials are, by sign-in mode ('' when there are none). */
const CREDENTIALS: Record<FhirPmpConnection['auth']['mode'], string> = {
  none: '',
  bearer: 'a saved bearer token',
  'smart-backend': 'a saved SMART client and private key',
};

/** What a reset changes, each line with what is set now and what it goes back to. */
function whatIsReset(s: Settings): { what: string; now: string; after: string }[] {
  const d = DEFAULT_SETTINGS;
  const edited = Object.keys(s.packEdits);
  const years = (n: number) => count(n, 'year', 'years');
  return [
    { what: 'Who is reviewing (name, role, NPI, DEA)', now: s.identity ? `${s.identity.name} (${s.identity.role})` : 'not set', after: 'not set: asked before the first review' },
    { what: 'Prescribers a delegate reviews for', now: count(s.supervisingPrescribers.length, 'prescriber', 'prescribers'), after: 'none' },
    { what: "The practice's state", now: stateName(s.state), after: stateName(d.state) },
    { what: 'Edited rule packs', now: edited.length ? edited.join(', ') : 'none', after: 'none: the shipped packs' },
    { what: 'Continuing treatment is read from', now: CONTINUITY[s.continuousTherapy], after: CONTINUITY[d.continuousTherapy] },
    {
      what: 'PMP connection and its credentials',
      now: s.pmp.kind === 'fhir' ? `${s.pmp.label}${CREDENTIALS[s.pmp.auth.mode] ? `, with ${CREDENTIALS[s.pmp.auth.mode]}` : ''}` : s.pmp.label,
      after: d.pmp.label + (s.pmp.kind === 'fhir' && CREDENTIALS[s.pmp.auth.mode] ? '; the saved credentials are deleted' : ''),
    },
    { what: 'PMP history indicators', now: `MME table ${s.indicators.mmeTable}, thresholds as set`, after: `MME table ${d.indicators.mmeTable}, shipped thresholds` },
    { what: 'Patient identifiers kept on attestations', now: IDENTIFIERS[s.patientIdentifiers], after: IDENTIFIERS[d.patientIdentifiers] },
    { what: 'Attestations kept for', now: years(s.retentionYears), after: years(d.retentionYears) },
  ];
}

/**
 * "Reset settings": every setting back to its default after the administrator confirms in a
 * modal dialog (Escape or Cancel leaves everything as it is; focus returns to the button). The
 * attestation log is never part of a reset, nor are the EHR sites and their field mappings.
 */
export function ResetSettings({ settings, onReset }: { settings: Settings; onReset?: () => void }) {
  const id = useId();
  const qc = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const [done, setDone] = useState(false);
  const reset = useMutation({
    mutationFn: resetSettings,
    onSuccess: async (defaults) => {
      qc.setQueryData(settingsKeys.all, defaults);
      await qc.invalidateQueries({ queryKey: settingsKeys.all });
      onReset?.();
      setDone(true);
      dialog.current?.close();
    },
  });

  function open() {
    reset.reset();
    setDone(false);
    dialog.current?.showModal();
    // The safe choice has the focus: Enter straight away cancels.
    cancelButton.current?.focus();
  }

  function close() {
    if (!reset.isPending) dialog.current?.close();
  }

  return (
    <section aria-labelledby={`${id}-title`} className="reset-settings" data-testid="reset-settings">
      <h2 id={`${id}-title`}>Reset settings</h2>
      <p className="hint">
        Puts every setting on this page back as a new installation has it: who is reviewing, delegates, the practice's state and rule pack edits, the PMP
        connection and its credentials, indicator and practice settings. The attestation log is never touched by a reset, and the EHR sites and their field
        mappings stay (remove those under EHR sites).
      </p>
      <button type="button" className="danger" ref={opener} onClick={open} aria-haspopup="dialog">
        Reset settings…
      </button>
      {done && (
        <p className="saved" role="status" data-testid="reset-done">
          Settings reset to their defaults. The attestation log was not touched.
        </p>
      )}
      <dialog
        ref={dialog}
        className="reset-dialog"
        aria-labelledby={`${id}-ask`}
        aria-describedby={`${id}-kept`}
        onCancel={(e) => {
          // Escape: the browser closes the dialog; not while the reset is being written.
          if (reset.isPending) e.preventDefault();
        }}
        onClose={() => {
          opener.current?.focus();
        }}
      >
        <h3 id={`${id}-ask`}>Reset all settings to their defaults?</h3>
        <table className="reset-table">
          <caption>What is reset</caption>
          <thead>
            <tr>
              <th scope="col">Setting</th>
              <th scope="col">Now</th>
              <th scope="col">After the reset</th>
            </tr>
          </thead>
          <tbody>
            {whatIsReset(settings).map((r) => (
              <tr key={r.what}>
                <th scope="row">{r.what}</th>
                <td>{r.now}</td>
                <td>{r.after}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div id={`${id}-kept`}>
          <p>
            <strong>Not touched:</strong>
          </p>
          <ul>
            <li>
              <strong>The attestation log.</strong> A settings reset never changes it: every recorded review stays, with its hash chain, and can still be
              exported.
            </li>
            <li>The EHR sites PMP Check may read, and their field mappings.</li>
          </ul>
          <p>This cannot be undone.</p>
        </div>
        {reset.isError && (
          <p className="field-error" role="alert">
            Could not reset: {reset.error.message}. Nothing was changed.
          </p>
        )}
        <div className="reset-actions">
          <button type="button" className="secondary" ref={cancelButton} onClick={close} disabled={reset.isPending}>
            Cancel
          </button>
          <button
            type="button"
            className="danger"
            disabled={reset.isPending}
            onClick={() => {
              reset.mutate();
            }}
          >
            {reset.isPending ? 'Resetting…' : 'Reset settings'}
          </button>
        </div>
      </dialog>
    </section>
  );
}
