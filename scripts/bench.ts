// One JSON line per metric: {"metric", "value", "unit", "budget"}. Each benchmark is a file in
// scripts/bench/ exporting run(emit); adding a benchmark is adding a file and a line here.
import { run as attestations } from './bench/attestations';
import { run as bundleSizes } from './bench/bundle-sizes';
import { run as content } from './bench/content';
import { emit } from './bench/emit';
import { run as pmp } from './bench/pmp';
import { run as rules } from './bench/rules';

const BENCHES: readonly ((e: typeof emit) => void | Promise<void>)[] = [bundleSizes, pmp, rules, content, attestations];

for (const bench of BENCHES) await bench(emit);
