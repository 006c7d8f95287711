import { browser } from 'wxt/browser';
import './prescriber-picker.css';
import type { Settings } from '@/lib/storage/settings';

// What EHRs print around a name: titles before it, credentials after it ("Dr. Avery Quill", "Quill, Avery MD").
const TITLES = new Set(['dr', 'doctor', 'prof', 'mr', 'mrs', 'ms', 'mx']);
const CREDENTIALS = new Set(['md', 'do', 'np', 'pa', 'c', 'aprn', 'fnp', 'bc', 'crnp', 'dnp', 'cnm', 'rn', 'lpn', 'msn', 'dds', 'dmd', 'dpm', 'od', 'phd', 'mbbs']);

/** Drops credentials from the end, keeping at least `keep` words ("Anh Do" keeps its family name). */
function dropCredentials(words: string[], keep: number): string[] {
  const out = [...words];
  while (out.length > keep && CREDENTIALS.has(out.at(-1) ?? '')) out.pop();
  return out;
}

/** A name's words, lower case, without titles or credentials; "Family, Given" read as "Given Family". */
function nameWords(name: string): string {
  const pieces = name
    .split(',')
    .map((piece, i) => {
      const words = piece.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim().split(' ').filter(Boolean);
      // "Quill, Avery MD": the given name's piece ends with credentials ("Do, Anh": a family name stays).
      return i === 0 ? words : dropCredentials(words, 1);
    })
    // After the first comma, a piece of credentials only ("Avery Quill, MD") is not a name.
    .filter((words, i) => words.length > 0 && (i === 0 || !words.every((w) => CREDENTIALS.has(w))));
  const [first = [], second] = pieces;
  const words = pieces.length === 2 && second ? [...second, ...first] : pieces.flat();
  while (words.length > 1 && TITLES.has(words[0] ?? '')) words.shift();
  return dropCredentials(words, 2).join(' ');
}

/** Does the name the EHR shows for its user name this prescriber? (Titles, credentials and "Family, Given" aside.) */
export function sameName(ehrUser: string, prescriber: string): boolean {
  const a = nameWords(ehrUser);
  return a.length > 0 && a === nameWords(prescriber);
}

/**
 * The prescriber a delegate's review starts on: the EHR's signed-in user when the page shows
 * one and they are a supervising prescriber, else the first of the list.
 */
export function initialPrescriber(settings: Settings, ehrUser?: string): string {
  const list = settings.supervisingPrescribers;
  const fromPage = ehrUser ? list.find((p) => sameName(ehrUser, p.name)) : undefined;
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
  const known = ehrUser ? list.find((p) => sameName(ehrUser, p.name)) : undefined;
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
      {ehrUser && known && <span className="hint">The EHR shows {ehrUser} signed in.</span>}
      {ehrUser && !known && <span className="hint">The EHR shows {ehrUser} signed in, who is not one of your prescribers: choose the one you review for.</span>}
    </label>
  );
}
