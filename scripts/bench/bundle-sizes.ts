import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Emit } from './emit';

const OUT = resolve(import.meta.dirname, '../../.output/chrome-mv3');


/** Every JS file a page loads: its own chunk plus the shared chunks it imports. */
function filesUnder(dir: string, filter: (f: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p, filter));
    else if (filter(p)) out.push(p);
  }
  return out;
}

function sizes(files: readonly string[]): { raw: number; gzip: number } {
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const buf = readFileSync(f);
    raw += buf.length;
    gzip += gzipSync(buf, { level: 9 }).length;
  }
  return { raw, gzip };
}

function pageScripts(html: string): string[] {
  const text = readFileSync(join(OUT, html), 'utf8');
  const refs = [...text.matchAll(/(?:src|href)="\/?([^"]+\.(?:js|css))"/g)].map((m) => m[1] ?? '');
  return refs.filter(Boolean).map((r) => join(OUT, r));
}


/** Sizes of what each extension context loads, raw and gzip (the content script has a budget). */
export function run(emit: Emit): void {
  const content = sizes(filesUnder(join(OUT, 'content-scripts'), (f) => f.endsWith('.js')));
  emit('content_script_bytes', content.raw, 'bytes', null);
  emit('content_script_gzip_bytes', content.gzip, 'bytes', 60_000);
  const panel = sizes(pageScripts('sidepanel.html'));
  emit('side_panel_bytes', panel.raw, 'bytes', null);
  emit('side_panel_gzip_bytes', panel.gzip, 'bytes', null);
  const bg = sizes([join(OUT, 'background.js')]);
  emit('background_gzip_bytes', bg.gzip, 'bytes', null);
}
