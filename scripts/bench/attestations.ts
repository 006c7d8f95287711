// Attestation log figures measured in Chromium, inside an extension page of the built extension:
// append 10,000 (budget 3 s), export 100,000 to CSV and to JSON (3 s each), verify 100,000 (2 s),
// the slowest of 1,000 single appends in a row (100 ms: a click).
// Takes the machine's end-to-end lock (fixed ports, one build folder) for the whole run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { launchWithExtension } from '../../test/e2e/harness';
import type { BenchFigures } from './attestations.page';
import type { Emit } from './emit';

const ROOT = resolve(import.meta.dirname, '../..');
// The production build (what a practice installs), built below under the lock.
const EXTENSION_DIR = join(ROOT, '.output/chrome-mv3');
const APPEND = 10_000;
const EXPORT = 100_000;
/** Each figure is the best of this many runs (the machine may be shared with other work). */
const REPEATS = 3;

async function pageScript(): Promise<string> {
  const out = await build({
    entryPoints: [join(import.meta.dirname, 'attestations.page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'silent',
    // Extension pages forbid eval (CSP), so zod runs without its compiled fast path there; so
    // must this bundle, from before its first schema is built.
    banner: { js: 'globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig || {}, { jitless: true });' },
  });
  const file = out.outputFiles[0];
  if (!file) throw new Error('Could not bundle the attestation benchmark');
  return file.text;
}

async function lock(): Promise<() => void> {
  const path = '../e2e-lock.mjs';
  const mod = (await import(path)) as { acquire: () => Promise<() => void> };
  return mod.acquire();
}

/** Measures the attestation log in Chromium with the built extension. */
export async function run(emit: Emit): Promise<void> {
  const release = await lock();
  try {
    // Build inside the lock, so no other run rewrites the extension while it is measured.
    const b = spawnSync('npx', ['wxt', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    if (b.status !== 0 || !existsSync(join(EXTENSION_DIR, 'manifest.json'))) throw new Error('The extension did not build');
    const script = await pageScript();
    const l = await launchWithExtension({ extensionDir: EXTENSION_DIR });
    try {
      const page = await l.context.newPage();
      await page.goto(`chrome-extension://${l.extensionId}/options.html`);
      await page.evaluate(script);
      const loadBefore = loadavg()[0] ?? 0;
      const f = await page.evaluate(
        ([a, e, r]) => (globalThis as unknown as { __pmpBench: { run(a: number, e: number, r: number): Promise<BenchFigures> } }).__pmpBench.run(a, e, r),
        [APPEND, EXPORT, REPEATS] as const,
      );
      if (!f.appendVerified || f.appended !== APPEND) throw new Error(`Appended log did not verify (${String(f.appended)} records)`);
      if (!f.verifyOk || f.verified !== EXPORT) throw new Error(`Seeded log did not verify (${String(f.verified)} records)`);
      emit('attestation_append_10k_ms', f.appendMs, 'ms', 3000);
      emit('attestation_append_one_at_a_time_ms', f.sequentialAppendMsEach, 'ms', null);
      // A click that records a review should answer within 100 ms (what reads as immediate), the
      // one that seals a block (every 500th) included.
      emit('attestation_append_one_at_a_time_max_ms', f.sequentialAppendMaxMs, 'ms', 100);
      emit('attestation_append_one_at_a_time_p99_ms', f.sequentialAppendP99Ms, 'ms', null);
      emit('attestation_append_sealing_block_ms', f.sequentialAppendSealingMs, 'ms', null);
      emit('attestation_export_csv_100k_ms', f.csvMs, 'ms', 3000);
      emit('attestation_export_json_100k_ms', f.jsonMs, 'ms', 3000);
      emit('attestation_verify_100k_ms', f.verifyMs, 'ms', 2000);
      emit('attestation_read_100k_ms', f.readMs, 'ms', null);
      emit('attestation_verify_100k_in_memory_ms', f.verifyInMemoryMs, 'ms', null);
      emit('attestation_export_csv_100k_bytes', f.csvBytes, 'bytes', null);
      emit('attestation_export_json_100k_bytes', f.jsonBytes, 'bytes', null);
      // The figures above are wall-clock times: how busy the machine was says how to read them.
      emit('attestation_bench_load_average', Math.max(loadBefore, loadavg()[0] ?? 0), 'processes', null);
    } finally {
      await l.close();
    }
  } finally {
    release();
  }
}
