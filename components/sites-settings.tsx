import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { browser } from 'wxt/browser';
import { FieldMappings } from '@/components/field-mapper';
import { QueryState } from '@/components/query-state';
import { MAPPINGS_KEY } from '@/lib/ehr/mapping';
import { originPattern, toOrigin } from '@/lib/ehr/origin';
import { addSite, removeSite } from '@/lib/ehr/site-store';
import { AdapterChoice, BUILT_IN_ORIGINS, SITES_KEY } from '@/lib/ehr/sites';
import { ehrKeys, sitesQueryOptions } from '@/lib/ehr/sites-query';
import { send } from '@/lib/messaging/client';
import './sites-settings.css';

const READERS: Readonly<Record<AdapterChoice, string>> = {
  auto: 'Recognise automatically',
  openemr: 'OpenEMR',
  openmrs: 'OpenMRS 3',
  generic: 'Read by labels (any EHR)',
};

type Message = { kind: 'ok' | 'error'; text: string } | null;

/**
 * The options page's "EHR sites": PMP Check holds no blanket host access. The admin adds each
 * EHR origin here, the browser asks them to grant it, and only then does the content script
 * run there (registered at run time by the background). Each site can get a field mapping.
 */
export function SitesSettings() {
  const qc = useQueryClient();
  const sites = useQuery(sitesQueryOptions());
  const [address, setAddress] = useState('');
  const [reader, setReader] = useState<AdapterChoice>('auto');
  const [message, setMessage] = useState<Message>(null);
  const invalidate = () => qc.invalidateQueries({ queryKey: ehrKeys.all });

  // Mappings saved from an EHR tab, or sites changed elsewhere, show up here at once.
  useEffect(() => {
    const onChange = (changes: Record<string, unknown>, area: string) => {
      if (area === 'local' && (SITES_KEY in changes || MAPPINGS_KEY in changes)) void qc.invalidateQueries({ queryKey: ehrKeys.all });
    };
    browser.storage.onChanged.addListener(onChange);
    return () => {
      browser.storage.onChanged.removeListener(onChange);
    };
  }, [qc]);

  function onAdd(e: FormEvent) {
    e.preventDefault();
    const parsed = toOrigin(address);
    if (!parsed.ok) {
      setMessage({ kind: 'error', text: parsed.error });
      return;
    }
    const origin = parsed.origin;
    // Asked straight from the click: the browser shows its permission prompt only for a user gesture.
    browser.permissions
      .request({ origins: [originPattern(origin)] })
      .then(async (granted) => {
        if (!granted) {
          setMessage({ kind: 'error', text: `Access to ${origin} was not granted: PMP Check cannot read that EHR until you allow it.` });
          return;
        }
        await addSite(origin, reader);
        setAddress('');
        setMessage({ kind: 'ok', text: `Added ${origin}. Reload its open tabs: PMP Check now reads them.` });
        await invalidate();
      })
      .catch((err: unknown) => {
        setMessage({ kind: 'error', text: `Could not add ${origin}: ${err instanceof Error ? err.message : String(err)}` });
      });
  }

  const remove = useMutation({
    mutationFn: async (origin: string) => {
      await removeSite(origin);
      // Origins the extension ships with cannot be given back; every other grant is returned.
      if (!BUILT_IN_ORIGINS.includes(origin)) await browser.permissions.remove({ origins: [originPattern(origin)] }).catch(() => false);
      return origin;
    },
    onSuccess: async (origin) => {
      setMessage({ kind: 'ok', text: `Removed ${origin}: PMP Check no longer runs there.` });
      await invalidate();
    },
    onError: (err) => {
      setMessage({ kind: 'error', text: err instanceof Error ? err.message : String(err) });
    },
  });

  const mapFields = useMutation({
    mutationFn: (origin: string) => send('startMapper', { origin }),
    onSuccess: (r, origin) => {
      setMessage(r.started ? { kind: 'ok', text: `The field mapper is open in the ${origin} tab: click the fields there.` } : { kind: 'error', text: r.error ?? 'Could not start the field mapper' });
    },
    onError: (err) => {
      setMessage({ kind: 'error', text: err instanceof Error ? err.message : String(err) });
    },
  });

  return (
    <section aria-labelledby="sites">
      <h2 id="sites">EHR sites</h2>
      <p className="hint">
        PMP Check reads only the EHRs you add here (and its own demo EHR). Adding one asks your browser for access to that address alone.
      </p>
      <form className="grid" onSubmit={onAdd} noValidate>
        <label>
          EHR address
          <input name="ehr-origin" value={address} placeholder="https://ehr.example.org" onChange={(e) => { setAddress(e.target.value); }} autoComplete="off" />
        </label>
        <label>
          Reader
          <select name="ehr-reader" value={reader} onChange={(e) => { setReader(AdapterChoice.parse(e.target.value)); }}>
            {AdapterChoice.options.map((a) => (
              <option key={a} value={a}>
                {READERS[a]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Add site</button>
      </form>
      {message && (
        <p className={message.kind === 'ok' ? 'saved' : 'field-error'} role={message.kind === 'ok' ? 'status' : 'alert'} data-testid="sites-message">
          {message.text}
        </p>
      )}
      <QueryState query={sites} noun="sites" empty={<p data-testid="no-sites">No EHR sites yet.</p>}>
        {(data) => (
          <table className="log" aria-labelledby="sites">
            <thead>
              <tr>
                <th scope="col">EHR</th>
                <th scope="col">Reader</th>
                <th scope="col">Access</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.map((s) => (
                <tr key={s.origin} data-testid="site-row">
                  <td>{s.origin}</td>
                  <td>{READERS[s.adapter]}</td>
                  <td>{s.granted ? 'granted ✓' : 'not granted — add it again'}</td>
                  <td className="row-actions">
                    <button type="button" onClick={() => { mapFields.mutate(s.origin); }} aria-label={`Map fields on ${s.origin}`}>
                      Map fields…
                    </button>
                    <button type="button" className="secondary" onClick={() => { remove.mutate(s.origin); }} aria-label={`Remove ${s.origin}`}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
      <FieldMappings />
    </section>
  );
}
