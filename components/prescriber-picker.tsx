import { browser } from 'wxt/browser';
import './prescriber-picker.css';
import type { Settings } from '@/lib/storage/settings';

const norm = (n: string) => n.toLowerCase().replace(/^dr\.?\s+/, '').replace(/[^a-z0-9]+/g, ' ').trim();

/**
 * The prescriber a delegate's review starts on: the EHR's signed-in user when the page shows
 * one and they are a supervising prescriber, else the first of the list.
 */
export function initialPrescriber(settings: Settings, ehrUser?: string): string {
  const list = settings.supervisingPrescribers;
  const fromPage = ehrUser ? list.find((p) => norm(p.name) === norm(ehrUser)) : undefined;
  return (fromPage ?? list[0])?.name ?? '';
}

/** A delegate picks the prescriber they review for; the PMP request and the record name both. */
export function PrescriberPicker({ settings, value, onChange, ehrUser }: { settings: Settings; value: string; onChange: (name: string) => void; ehrUser?: string | undefined }) {
  const list = settings.supervisingPrescribers;
  if (list.length === 0) {
    return (
      <p className="prescriber-pick hint" role="note">
        Add the prescribers you review for in PMP Check&apos;s options first.{' '}
        <button type="button" className="link" onClick={() => void browser.runtime.openOptionsPage()}>
          Open options
        </button>
      </p>
    );
  }
  const suggested = ehrUser && list.some((p) => norm(p.name) === norm(ehrUser)) ? ehrUser : undefined;
  return (
    <label className="prescriber-pick">
      Reviewing for prescriber
      <select value={value} onChange={(e) => { onChange(e.target.value); }}>
        {list.map((p) => (
          <option key={p.name} value={p.name}>
            {p.name}
            {p.npi ? ` (NPI ${p.npi})` : ''}
          </option>
        ))}
      </select>
      {suggested && <span className="hint">The EHR shows {suggested} signed in.</span>}
    </label>
  );
}
