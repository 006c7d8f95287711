// The content script in Chromium with the built extension, on a generated EHR-like page of
// 5,000 elements (server/demo-ehr/fixtures.ts bigPage; read by the generic adapter, the most
// expensive one): time from the last field change to the prompt (budget p95 ≤ 50 ms) and script
// time per keystroke while typing a sig (budget ≤ 1 ms). The content script's size is measured
// by bundle-sizes.ts (budget 60 kB gzip). Takes the machine's end-to-end lock for the whole run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startEhrServer } from '../../server/demo-ehr/server';
import { EHR_PORT, HOST } from '../../server/ports';
import { EXTENSION_DIR, launchWithExtension } from '../../test/e2e/harness';
import type { Emit } from './emit';

const ROOT = resolve(import.meta.dirname, '../..');
const ELEMENTS = 5000;
const CHANGES = 60;
const WARM_UP = 6;
const SIG = '1 tab po q6h prn pain';
const KEY_DELAY_MS = 80; // about 12 keys a second: a quick typist

async function lock(): Promise<() => void> {
  const path = '../e2e-lock.mjs';
  const mod = (await import(path)) as { acquire: () => Promise<() => void> };
  return mod.acquire();
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** Measures the content script in Chromium with the built extension. */
export async function run(emit: Emit): Promise<void> {
  const release = await lock();
  try {
    const b = spawnSync('npx', ['wxt', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    if (b.status !== 0 || !existsSync(join(EXTENSION_DIR, 'manifest.json'))) throw new Error('The extension did not build');
    const ehr = await startEhrServer({ host: HOST, port: EHR_PORT });
    const l = await launchWithExtension();
    try {
      const page = await l.context.newPage();
      await page.goto(`${ehr.url}/fixtures/generated/big-${String(ELEMENTS)}.html`);
      emit('content_bench_page_elements', await page.evaluate<number>('document.getElementsByTagName("*").length'), 'elements', null);
      await page.locator('#b-drug').fill('oxycodone 5 mg tablet');
      await page.locator('#b-sig').fill(SIG);
      await page.locator('#b-qty').fill('40');
      await page.locator('pmp-check-prompt[data-pmp-review="due"]').waitFor({ timeout: 15_000 });

      // 1. Last field change → prompt: a quantity that flips the decision (12 → not required,
      // 40 → due) each time, timed in the page from the input event to the prompt's new state.
      // Passed as source text: tsx names functions with a helper the page does not have.
      const latencies = await page.evaluate<number[]>(`(async (n) => {
        const q = document.getElementById('b-qty');
        const state = () => document.querySelector('pmp-check-prompt')?.getAttribute('data-pmp-review');
        const until = (want) => new Promise((done) => {
          if (state() === want) return done();
          const mo = new MutationObserver(() => {
            if (state() !== want) return;
            mo.disconnect();
            done();
          });
          mo.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-pmp-review'] });
        });
        const out = [];
        for (let i = 0; i < n; i++) {
          await new Promise((r) => setTimeout(r, 120));
          const want = i % 2 === 0 ? 'not-required' : 'due';
          const t0 = performance.now();
          q.value = want === 'due' ? '40' : '12';
          q.dispatchEvent(new Event('input', { bubbles: true }));
          await until(want);
          out.push(performance.now() - t0);
        }
        return out;
      })(${String(CHANGES + WARM_UP)})`);
      const measured = latencies.slice(WARM_UP);
      emit('content_prompt_latency_p50_ms', percentile(measured, 50), 'ms', null);
      emit('content_prompt_latency_p95_ms', percentile(measured, 95), 'ms', 50);

      // 2. Script time per keystroke while typing the sig: Chromium's own count of JavaScript
      // time in this page (the page itself runs no script, so it is the content script's), over
      // the keys typed, including the scans, messages and prompt renders they cause.
      const cdp = await l.context.newCDPSession(page);
      await cdp.send('Performance.enable');
      const scriptSeconds = async (): Promise<number> => {
        const { metrics } = await cdp.send('Performance.getMetrics');
        return metrics.find((m) => m.name === 'ScriptDuration')?.value ?? NaN;
      };
      await page.locator('#b-sig').fill('');
      await page.locator('#b-sig').focus();
      await page.waitForTimeout(1500);
      const before = await scriptSeconds();
      await page.keyboard.type(SIG, { delay: KEY_DELAY_MS });
      await page.waitForTimeout(300);
      const after = await scriptSeconds();
      await page.locator('pmp-check-prompt[data-pmp-review="due"]').waitFor({ timeout: 5000 });
      emit('content_script_ms_per_keystroke', ((after - before) * 1000) / SIG.length, 'ms', 1);
    } finally {
      await l.close();
      await ehr.close();
    }
  } finally {
    release();
  }
}
