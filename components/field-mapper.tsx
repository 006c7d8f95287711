import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ChangeEvent } from 'react';
import { exportMappings, FIELD_LABELS, importMappings, MAPPED_FIELDS, type FieldMapping, type ImportReport } from '@/lib/ehr/mapping';
import { removeMapping, saveMappings } from '@/lib/ehr/site-store';
import { ehrKeys, mappingsQueryOptions } from '@/lib/ehr/sites-query';
import { QueryState } from '@/components/query-state';

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 10_000);
}

function mappedFields(m: FieldMapping): string {
  return MAPPED_FIELDS.filter((f) => m.fields[f]).map((f) => FIELD_LABELS[f].replace(' (optional)', '')).join(', ');
}

/**
 * The field mappings admins made with the point-and-click mapper: listed per origin, exported
 * as JSON (to set up another machine of the practice), imported back with a report of what was
 * refused and why.
 */
export function FieldMappings() {
  const qc = useQueryClient();
  const mappings = useQuery(mappingsQueryOptions());
  const [report, setReport] = useState<(ImportReport & { saved: number }) | null>(null);
  const [error, setError] = useState<string | null>(null);
  const invalidate = () => qc.invalidateQueries({ queryKey: ehrKeys.all });

  const importFile = useMutation({
    mutationFn: async (file: File) => {
      const parsed = importMappings(await file.text());
      await saveMappings(parsed.mappings);
      return { ...parsed, saved: parsed.mappings.length };
    },
    onSuccess: async (r) => {
      setError(null);
      setReport(r);
      await invalidate();
    },
    onError: (e) => {
      setReport(null);
      setError(e instanceof Error ? e.message : String(e));
    },
  });
  const remove = useMutation({ mutationFn: removeMapping, onSuccess: invalidate });

  function onFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file) importFile.mutate(file);
  }

  return (
    <div className="field-mappings">
      <h3 id="mappings">Field mappings</h3>
      <p className="hint">
        For an EHR that PMP Check does not read by itself: open it in a tab, press <strong>Map fields…</strong> beside its site, and click its drug,
        quantity, sig, days-supply and patient fields. Only where the fields are is saved, never what they contain.
      </p>
      <QueryState query={mappings} noun="mappings" empty={<p data-testid="no-mappings">No field mappings yet.</p>}>
        {(data) => (
          <table className="log" aria-labelledby="mappings">
            <thead>
              <tr>
                <th scope="col">EHR</th>
                <th scope="col">Fields</th>
                <th scope="col">Saved</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.map((m) => (
                <tr key={`${m.origin}${m.pathPrefix ?? ''}`} data-testid="mapping-row">
                  <td>
                    {m.origin}
                    {m.pathPrefix ?? ''}
                  </td>
                  <td>{mappedFields(m)}</td>
                  <td>{new Date(m.savedAt).toLocaleString()}</td>
                  <td>
                    <button type="button" className="secondary" onClick={() => { remove.mutate(m); }} aria-label={`Remove the mapping for ${m.origin}`}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
      <div className="row-actions">
        <button
          type="button"
          disabled={!mappings.data?.length}
          onClick={() => {
            download(`pmp-check-field-mappings-${new Date().toISOString().slice(0, 10)}.json`, exportMappings(mappings.data ?? []));
          }}
        >
          Export mappings (JSON)
        </button>
        <label className="file-button">
          Import mappings (JSON)
          <input type="file" accept="application/json,.json" onChange={onFile} />
        </label>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {report && (
        <div role="status" data-testid="import-report">
          <p className="saved">Imported {report.saved} mapping(s).</p>
          {report.refused.length > 0 && (
            <>
              <p className="field-error">Refused {report.refused.length}:</p>
              <ul>
                {report.refused.map((r) => (
                  <li key={r.index}>
                    #{r.index + 1}
                    {r.origin ? ` (${r.origin})` : ''}: {r.reason}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </div>
  );
}
