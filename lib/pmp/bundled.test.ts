// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { NOT_IN_PMP } from '../../server/demo-ehr/server';
import { historyBundle, historyParameters } from '../../server/pmp/bundle';
import { fetchBundledHistory, MPE_ALERT } from './bundled';
import { PmpError } from './errors';
import { parseHistoryResponse } from './fhir';
import type { Fill, PatientQuery, Requester } from './history';
import { syntheticPatients } from './synthetic';

const NOW = new Date(2025, 5, 15, 9, 30);
const TODAY = '2025-06-15';
const REQUESTER: Requester = { prescriber: { name: 'Avery Testford, MD', npi: '9000079191' } };
const CHRONIC: PatientQuery = { given: 'Morgan', family: 'Testwell', birthDate: '1961-04-09' };
const TWINS: PatientQuery = { given: 'Jordan', family: 'Twinfield', birthDate: '1990-07-14' };

const ask = (q: PatientQuery, options: { signal?: AbortSignal } = {}) => fetchBundledHistory(q, REQUESTER, { now: NOW, ...options });

async function failure(p: Promise<unknown>): Promise<PmpError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PmpError) return e;
    throw e;
  }
  throw new Error('expected a PmpError');
}

const byId = (fills: readonly Fill[]) => [...fills].sort((a, b) => a.id.localeCompare(b.id));

describe('fetchBundledHistory', () => {
  it('answers every synthetic patient exactly as the local FHIR server does', async () => {
    for (const p of syntheticPatients({ today: NOW })) {
      const q: PatientQuery = { given: p.given, family: p.family, birthDate: p.birthDate, gender: p.gender, postalCode: p.postalCode };
      const viaServer = parseHistoryResponse(historyParameters(historyBundle('http://pmp.test', p, p.fills, TODAY), 'http://pmp.test/report/x', TODAY), 'server', NOW);
      const bundled = await ask(q);
      expect(byId(bundled.fills), p.id).toEqual(byId(viaServer.fills));
      expect(bundled.alerts, p.id).toEqual(viaServer.alerts);
      expect(bundled.patient, p.id).toEqual(viaServer.patient);
      expect(bundled.warnings).toEqual([]);
    }
  });

  it('finds the demo patient with accents and case ignored, newest fill first', async () => {
    const h = await ask({ given: 'MORGAN', family: 'testwell', birthDate: '1961-04-09' });
    expect(h.source).toBe('bundled');
    expect(h.fills.length).toBe(7);
    expect(h.fills[0]?.dispensedOn).toBe('2025-06-12');
    expect(h.reportUrl).toBeUndefined();
  });

  it('raises the multiple-provider alert for the demo patient who has one', async () => {
    expect((await ask({ given: 'Casey', family: 'Examplar', birthDate: '1975-02-17' })).alerts).toEqual([MPE_ALERT]);
  });

  it('returns an empty history for a known patient without fills', async () => {
    const h = await ask({ given: 'Riley', family: 'Sampleton', birthDate: '1988-11-23' });
    expect(h.fills).toEqual([]);
    expect(h.patient?.family).toBe('Sampleton');
  });

  it.each([
    ['an unknown patient', { given: 'Nobody', family: 'Unknownfield', birthDate: '1970-01-01' }, 'no-match'],
    ['the right name with another date of birth', { ...CHRONIC, birthDate: '1961-04-10' }, 'no-match'],
    ['two patients with the same name and date of birth', TWINS, 'multiple-matches'],
    ['an invalid date of birth', { ...CHRONIC, birthDate: '09/04/1961' }, 'bad-request'],
    ['an empty family name', { ...CHRONIC, family: '' }, 'bad-request'],
  ])('answers %s with a typed error', async (_label, q, kind) => {
    const e = await failure(ask(q));
    expect(e.kind).toBe(kind);
    expect(e.retryable).toBe(false);
  });

  it('does not know the demo EHR’s "not in the PMP" patient', async () => {
    const { given, family, birthDate, gender, postalCode } = NOT_IN_PMP;
    expect((await failure(ask({ given, family, birthDate, gender, postalCode }))).kind).toBe('no-match');
  });

  it('tells the twins apart by sex or ZIP code, as the server does', async () => {
    expect((await ask({ ...TWINS, gender: 'male' })).fills[0]?.drug).toMatch(/methylphenidate/i);
    expect((await ask({ ...TWINS, postalCode: '06106' })).fills[0]?.drug).toMatch(/oxycodone/i);
  });

  it('rejects a requester without a prescriber name', async () => {
    const e = await failure(fetchBundledHistory(CHRONIC, { prescriber: { name: 1 } } as unknown as Requester, { now: NOW }));
    expect(e).toMatchObject({ kind: 'bad-request', detail: 'invalid requester' });
  });

  it('rethrows the caller’s cancellation', async () => {
    const controller = new AbortController();
    const reason = new Error('panel closed');
    controller.abort(reason);
    await expect(ask(CHRONIC, { signal: controller.signal })).rejects.toBe(reason);
  });

  it('hands out copies: changing an answer does not change the next one', async () => {
    const first = await ask(CHRONIC);
    const fill = first.fills[0];
    if (fill) fill.quantity = 9999;
    expect((await ask(CHRONIC)).fills[0]?.quantity).not.toBe(9999);
  });
});
