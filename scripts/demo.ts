import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startDemoServers } from '../server/main';
import { enterOrder, launchWithExtension, openPanelFromPrompt, waitForReviewState } from '../test/e2e/harness';

const OUT = resolve(import.meta.dirname, '../demo-output');
const headless = process.argv.includes('--headless') || !process.env.DISPLAY || process.env.CI === 'true';

async function walkthrough(): Promise<void> {
  const servers = await startDemoServers();
  console.log(`PMP server ${servers.pmp.url} · demo EHR ${servers.ehr.url}`);
  const l = await launchWithExtension({ headless });
  try {
    if (!headless) {
      const page = await l.context.newPage();
      await page.goto(servers.ehr.url);
      console.log('\nChromium is open on the demo EHR with the extension loaded.');
      console.log('Open a patient → "New prescription" → enter e.g. oxycodone 5 mg tablet, #40, "1 tab PO q6h PRN pain".');
      console.log('Set your name in the extension options first. Press Ctrl+C here to stop.');
      await new Promise<void>((done) => {
        process.on('SIGINT', () => {
          done();
        });
        l.context.on('close', () => {
          done();
        });
      });
      return;
    }

    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    const shot = (name: string) => join(OUT, name);
    const steps: string[] = [];

    const options = await l.context.newPage();
    await options.goto(`chrome-extension://${l.extensionId}/options.html`);
    await options.getByLabel('Your name').fill('Dr. Avery Quill');
    await options.getByRole('button', { name: 'Save', exact: true }).click();
    await options.getByText('Saved ✓').first().waitFor();
    await options.screenshot({ path: shot('01-options-identity.png'), fullPage: true });
    steps.push('01-options-identity.png: the prescriber says who they are (options page)');

    const page = await l.context.newPage();
    await page.goto(servers.ehr.url);
    await page.screenshot({ path: shot('02-ehr-schedule.png') });
    steps.push("02-ehr-schedule.png: the demo EHR's schedule (synthetic patients)");

    await page.goto(`${servers.ehr.url}/patients/demo-chronic/orders/new`);
    await enterOrder(page, { drug: 'oxycodone 5 mg tablet', quantity: '40', sig: '1 tab PO q6h PRN pain' });
    await waitForReviewState(page, 'due');
    await page.screenshot({ path: shot('03-prompt-review-required.png') });
    steps.push('03-prompt-review-required.png: oxycodone #40, 1 tab q6h PRN → "PMP review required" beside the order');

    const { panel, realSidePanel } = await openPanelFromPrompt(l, page);
    await panel.locator('[data-testid="fill-row"]').first().waitFor({ timeout: 15_000 });
    // What the prescriber sees in the panel's height (the record button stays at its bottom).
    await panel.screenshot({ path: shot('04-side-panel-history.png') });
    steps.push(`04-side-panel-history.png: the patient's PMP fills (${realSidePanel ? 'side panel' : 'side panel document in a tab'})`);

    await panel.getByRole('button', { name: 'I reviewed the PMP' }).click();
    await panel.getByText('Review recorded ✓').waitFor();
    await waitForReviewState(page, 'reviewed');
    await page.screenshot({ path: shot('05-prompt-reviewed.png') });
    steps.push('05-prompt-reviewed.png: the attestation is recorded; the prompt says "Reviewed ✓ <time>"');

    await page.goto(`${servers.ehr.url}/patients/demo-chronic/orders/new`);
    await enterOrder(page, { drug: 'oxycodone 5 mg tablet', quantity: '12', sig: '1 tab q6h' });
    await waitForReviewState(page, 'not-required');
    await page.screenshot({ path: shot('06-three-day-supply-no-prompt.png') });
    steps.push('06-three-day-supply-no-prompt.png: #12 at 1 tab q6h is exactly 72 hours → no prompt');

    await options.reload();
    await options.getByTestId('chain-status').waitFor();
    await options.screenshot({ path: shot('07-options-attestation-log.png'), fullPage: true });
    steps.push('07-options-attestation-log.png: the attestation log, hash chain verified, CSV export');

    console.log(`\nDemo walkthrough done. Screenshots in ${OUT}:`);
    for (const s of steps) console.log(`  ${s}`);
  } finally {
    await l.close();
    await servers.close();
  }
}

walkthrough().catch((e: unknown) => {
  console.error(`Demo failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
