// The views of the log a person or another system reads: FHIR, the printable summary, CSV, filters.
import { describe, expect, it } from 'vitest';
import { toCsv } from './csv';
import { toFhirBundle, PDMP_REVIEW } from './fhir';
import { describeFilter, filterLog, logFacets } from './log-filter';
import type { LogEntry } from './repository';
import type { Attestation } from './schema';
import { escapeHtml, summaryHtml } from './summary';
import { chainOf, delegateDraft, draft } from './test-helpers';

async function entries(): Promise<LogEntry[]> {
  const overs = [
    draft(),
    delegateDraft({ patient: { key: 'k2', mrn: 'MRN-2', initials: 'RS', birthDate: '1990-02-03' } }),
    draft({ outcome: 'pmp-unavailable', followUpDueAt: '2026-01-02T14:00:00.000Z', pmpError: 'timeout' }),
    draft({ outcome: 'exempted', exemption: { id: 'hospice', text: 'Patient is receiving hospice care', citation: 'Test Stat. 1(b)' } }),
    draft({ outcome: 'declined', reason: '=HYPERLINK("http://evil","x")' }),
    draft({ outcome: 'acknowledged', acknowledges: { id: 'rev-2', seq: 2, hash: 'b'.repeat(64), reviewerName: 'Sam Nurse', reviewedAt: '2026-01-01T13:00:00.000Z' } }),
  ];
  const rs = await chainOf(overs.length, { over: (i) => overs[i] ?? {} });
  return rs.map((record, i) => ({ chainId: i === 1 ? 'delegate-chain' : 'own-chain', own: i !== 1, record }));
}
const rec = (e: LogEntry[], i: number): Attestation => {
  const r = e[i]?.record;
  if (!r) throw new Error('missing');
  return r;
};

describe('FHIR Bundle', () => {
  it('one Procedure coded "PDMP review" and one Provenance per record', async () => {
    const es = await entries();
    const b = toFhirBundle(es, new Date('2026-11-22T15:00:00Z')) as { resourceType: string; type: string; entry: { fullUrl: string; resource: Record<string, unknown> }[] };
    expect(b).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    expect(b.entry).toHaveLength(12);
    const procs = b.entry.filter((x) => x.resource.resourceType === 'Procedure').map((x) => x.resource);
    const provs = b.entry.filter((x) => x.resource.resourceType === 'Provenance').map((x) => x.resource);
    expect(procs).toHaveLength(6);
    expect(provs).toHaveLength(6);
    for (const p of procs) expect(p.code).toEqual({ coding: [PDMP_REVIEW], text: 'PDMP review' });
    expect(PDMP_REVIEW).toEqual({ system: 'http://snomed.info/sct', code: '461621000124108', display: 'PDMP review' });
    expect(new Set(b.entry.map((x) => x.fullUrl)).size).toBe(12);
    // Every Provenance points at its Procedure's fullUrl.
    const urls = new Set(b.entry.map((x) => x.fullUrl));
    for (const p of provs) for (const t of p.target as { reference: string }[]) expect(urls.has(t.reference)).toBe(true);
  });

  it.each([
    [0, 'completed', undefined],
    [2, 'not-done', 'PMP unavailable (timeout)'],
    [3, 'not-done', 'Patient is receiving hospice care'],
    [4, 'not-done', '=HYPERLINK("http://evil","x")'],
    [5, 'completed', undefined],
  ])('record %i → status %s with reason %j', async (i, status, reason) => {
    const es = await entries();
    const b = toFhirBundle([es[i] as LogEntry], new Date()) as { entry: { resource: { status?: string; statusReason?: { text: string } } }[] };
    expect(b.entry[0]?.resource.status).toBe(status);
    expect(b.entry[0]?.resource.statusReason?.text).toBe(reason);
  });

  it("a delegate's review names both the delegate and, on whose behalf, the prescriber", async () => {
    const es = await entries();
    const b = toFhirBundle([es[1] as LogEntry], new Date()) as { entry: { resource: Record<string, unknown> }[] };
    const proc = b.entry[0]?.resource as { performer: { actor: { display: string } }[]; subject: unknown; identifier: { value: string }[] };
    expect(proc.performer.map((p) => p.actor.display)).toEqual(['Sam Nurse', 'Dr. Avery Quill']);
    expect(proc.subject).toEqual({ identifier: { system: 'urn:pmp-check:mrn:http://127.0.0.1:47811', value: 'MRN-2' }, display: 'RS DOB 1990-02-03' });
    expect(proc.identifier.map((x) => x.value)).toContain(rec(es, 1).hash);
    const prov = b.entry[1]?.resource as { agent: { who: { display: string }; onBehalfOf?: { display: string; identifier?: unknown } }[] };
    expect(prov.agent[0]).toMatchObject({ who: { display: 'Sam Nurse' }, onBehalfOf: { display: 'Dr. Avery Quill', identifier: { system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567893' } } });
  });

  it('is the same every time for the same records (stable ids)', async () => {
    const es = await entries();
    const at = new Date('2026-11-22T15:00:00Z');
    expect(JSON.stringify(toFhirBundle(es, at))).toBe(JSON.stringify(toFhirBundle(es, at)));
  });
});

describe('printable summary', () => {
  it('counts by outcome and prescriber, states the chain check, lists each record, escapes everything', async () => {
    const es = await entries();
    const evil = { ...es[0], record: { ...rec(es, 0), prescriber: { name: '<script>alert(1)</script>' } } } as LogEntry;
    const html = summaryHtml({ entries: [...es, evil], filter: 'all records', generatedAt: new Date('2026-11-22T15:00:00Z'), generatedBy: 'Dr. Avery Quill', verification: { ok: true, records: 7, firstBadRecord: null, chains: 2 } });
    expect(html).toContain('<h1>PMP review attestations — summary</h1>');
    expect(html).toContain('Hash chain verified: 7 record(s) in 2 log(s), intact.');
    expect(html).toContain('<li>PMP reviewed: 3</li>');
    expect(html).toContain('<li>Exempt: 1</li>');
    expect(html).toContain('Exempt: Patient is receiving hospice care');
    expect(html).toContain('Sam Nurse (delegate)');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html.match(/<tr><td>/g)).toHaveLength(7);
  });
  it('says loudly when the chain is broken', () => {
    const html = summaryHtml({ entries: [], filter: 'x', generatedAt: new Date(), verification: { ok: false, records: 3, firstBadRecord: 2, problem: 'record content was changed', chains: 1, chainId: 'c1' } });
    expect(html).toContain('class="bad">Hash chain BROKEN at record 2 of log c1: record content was changed');
  });
  it.each([
    ['<b>&"\'', '&lt;b&gt;&amp;&quot;&#39;'],
    ['plain', 'plain'],
  ])('escapeHtml(%j)', (i, o) => {
    expect(escapeHtml(i)).toBe(o);
  });
});

describe('CSV export of the practice log', () => {
  it('neutralises a reason starting with "=" and names each record\'s log', async () => {
    const es = await entries();
    const csv = toCsv(es.map((e) => e.record), (_a, i) => es[i]?.chainId ?? '');
    const lines = csv.split('\r\n');
    expect(lines[0]?.startsWith('"log","seq","recorded_at","outcome","reason"')).toBe(true);
    expect(lines[5]).toContain('"\'=HYPERLINK(""http://evil"",""x"")"');
    expect(lines[2]?.startsWith('"delegate-chain","2"')).toBe(true);
    expect(lines[4]).toContain('"Patient is receiving hospice care","Test Stat. 1(b)"');
    expect(lines[6]).toContain('"Sam Nurse 2026-01-01T13:00:00.000Z (rev-2)"');
    expect(csv).not.toMatch(/(^|,)"[=+\-@]/m);
  });
});

describe('log filter', () => {
  it.each<[string, Parameters<typeof filterLog>[1], number[]]>([
    ['nothing', {}, [1, 2, 3, 4, 5, 6]],
    ['prescriber', { prescriber: 'Dr. Avery Quill' }, [1, 2, 3, 4, 5, 6]],
    ['another prescriber', { prescriber: 'Dr. Nobody' }, []],
    ['delegate', { delegate: 'Sam Nurse' }, [2]],
    ['patient by MRN', { patient: 'mrn-2' }, [2]],
    ['patient by initials', { patient: 'mt' }, [1, 3, 4, 5, 6]],
    ['patient by DOB', { patient: '1990-02' }, [2]],
    ['outcome', { outcome: 'exempted' }, [4]],
    ['date range (inclusive days)', { from: '2026-01-01', to: '2026-01-01' }, [1, 2, 3, 4, 5, 6]],
    ['date range after', { from: '2026-01-02' }, []],
    ['combined', { outcome: 'reviewed', delegate: 'Sam Nurse' }, [2]],
  ])('%s', async (_n, f, seqs) => {
    expect(filterLog(await entries(), f).map((e) => e.record.seq)).toEqual(seqs);
  });
  it('describes itself and offers the names in the log', async () => {
    expect(describeFilter({})).toBe('all records');
    expect(describeFilter({ from: '2026-01-01', outcome: 'declined' })).toBe('2026-01-01 to today; outcome declined');
    expect(logFacets(await entries())).toEqual({ prescribers: ['Dr. Avery Quill'], delegates: ['Sam Nurse'] });
  });
});
