// One JSON line per metric: {"metric", "value", "unit", "budget"}. Each benchmark is a file in
// scripts/bench/ exporting run(emit); adding a benchmark is adding a file and a line here.
import { run as bundleSizes } from './bench/bundle-sizes';
import { emit } from './bench/emit';

const BENCHES: readonly ((e: typeof emit) => void | Promise<void>)[] = [bundleSizes];

for (const bench of BENCHES) await bench(emit);
