// One JSON line per metric: {"metric", "value", "unit", "budget"}. Each benchmark is a file in
// scripts/bench/ exporting run(emit); adding a benchmark is adding a file and a line here.
// `npm run bench -- attestations rules` runs only the named benchmarks (all of them without names).
import { run as attestations } from './bench/attestations';
import { run as bundleSizes } from './bench/bundle-sizes';
import { run as content } from './bench/content';
import { emit } from './bench/emit';
import { run as pmp } from './bench/pmp';
import { run as rules } from './bench/rules';

const BENCHES: Readonly<Record<string, (e: typeof emit) => void | Promise<void>>> = {
  'bundle-sizes': bundleSizes,
  pmp,
  rules,
  content,
  attestations,
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  console.error(`Unknown benchmark ${unknown.join(', ')}; the benchmarks are: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
for (const [name, bench] of Object.entries(BENCHES)) if (wanted.length === 0 || wanted.includes(name)) await bench(emit);
