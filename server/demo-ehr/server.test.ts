// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoEhrPatients, startEhrServer } from './server';

let ehr: Awaited<ReturnType<typeof startEhrServer>>;
beforeAll(async () => {
  ehr = await startEhrServer({ port: 0 });
});
afterAll(async () => {
  await ehr.close();
});

describe('demo EHR server', () => {
  it('lists the fixed demo patients first on the schedule', async () => {
    const html = await (await fetch(`${ehr.url}/`)).text();
    expect(html).toContain('/patients/demo-chronic');
    expect(html).toContain('Testwell, Morgan');
    expect(demoEhrPatients().slice(0, 3).map((p) => p.id).sort()).toEqual(['demo-chronic', 'demo-multi', 'demo-naive']);
  });

  it('serves a chart with banner, medication list and allergies, and an order form', async () => {
    const chart = await (await fetch(`${ehr.url}/patients/demo-chronic`)).text();
    expect(chart).toContain('id="patient-banner"');
    expect(chart).toContain('class="med-list"');
    expect(chart).toContain('class="allergies"');
    // The signed-in user (synthetic), for a delegate's prescriber picker to preselect.
    expect(chart).toMatch(/<span id="ehr-user">Signed in as <span class="user-name">Dr\. Avery Quill<\/span><\/span>/);
    const form = await (await fetch(`${ehr.url}/patients/demo-chronic/orders/new`)).text();
    for (const id of ['drug', 'strength', 'quantity', 'sig', 'days-supply', 'refills', 'sign']) expect(form).toContain(`id="${id}"`);
  });

  it('signs an order and shows it back, escaped', async () => {
    const res = await fetch(`${ehr.url}/patients/demo-chronic/orders`, {
      method: 'POST',
      body: new URLSearchParams({ drug: 'oxycodone 5 mg tablet', quantity: '40', sig: '<b>1 tab</b> q6h' }),
    });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('Prescription signed');
    expect(html).toContain('&#60;b&#62;1 tab');
  });

  it.each([
    ['GET', '/patients/nobody', 404],
    ['GET', '/nowhere', 404],
    ['DELETE', '/patients/demo-chronic', 405],
  ])('%s %s → %i', async (method, path, status) => {
    expect((await fetch(`${ehr.url}${path}`, { method })).status).toBe(status);
  });

  it('refuses an oversized form body without crashing', async () => {
    const res = await fetch(`${ehr.url}/patients/demo-chronic/orders`, { method: 'POST', body: 'x='.padEnd(100_000, 'y') }).catch(() => null);
    if (res) expect(res.status).toBe(413);
    expect((await fetch(`${ehr.url}/`)).status).toBe(200);
  });
});
