// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bigPage, serveFixture } from './fixtures';
import { startEhrServer } from './server';

let ehr: Awaited<ReturnType<typeof startEhrServer>>;
beforeAll(async () => {
  ehr = await startEhrServer({ port: 0 });
});
afterAll(async () => {
  await ehr.close();
});

describe('fixture pages of other EHRs', () => {
  it.each([
    ['/fixtures/openemr/interface/main/tabs/main.php', 'attendantData'],
    ['/fixtures/openemr/controller.php?prescription&edit&id=&pid=1', 'form name="prescribe"'],
    ['/fixtures/openmrs/openmrs/spa/patient/abc/chart/Patient%20Summary', 'drugOrderForm'],
    ['/fixtures/generic/spa/orders/new', 'spa-rx'],
    ['/fixtures/generic/label-for.html', 'f-drug'],
    ['/fixtures/generic/nested/form.html', 'nested-rx'],
  ])('serves %s as HTML', async (path, marker) => {
    const res = await fetch(`${ehr.url}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain(marker);
  });

  it.each([
    ['/fixtures/../server.ts'],
    ['/fixtures/%2e%2e/%2e%2e/package.json'],
    ['/fixtures/SOURCE.md'],
    ['/fixtures/nope.html'],
    ['/fixtures/generic'],
    ['/fixtures/generated/big-10.html'],
    ['/fixtures/generated/big-99999999.html'],
  ])('refuses %s (nothing outside the fixtures, no folders, no other types)', async (path) => {
    const res = await fetch(`${ehr.url}${path}`);
    expect(res.status).toBe(404);
  });

  it('answers a malformed path with 400, and keeps serving', async () => {
    expect((await serveFixture('/fixtures/%E0%A4%A')).status).toBe(400);
    expect((await fetch(`${ehr.url}/fixtures/generic/label-for.html`)).status).toBe(200);
  });

  it('generates a page of about the asked number of elements, with one labelled order form', () => {
    const html = bigPage(5000);
    const elements = (html.match(/<[a-z][a-z0-9-]*[\s>]/gi) ?? []).length;
    expect(elements).toBeGreaterThan(4800);
    expect(elements).toBeLessThan(5200);
    expect(html).toContain('<label for="b-sig">Sig</label>');
    expect(html).toContain('Testwell, Morgan');
  });
});
