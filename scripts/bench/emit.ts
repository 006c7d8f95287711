/** Prints one benchmark figure as a JSON line: metric, value, unit, budget (null when none). */
export type Emit = (metric: string, value: number, unit: string, budget: number | null) => void;

export const emit: Emit = (metric, value, unit, budget) => {
  console.log(JSON.stringify({ metric, value: Math.round(value * 1000) / 1000, unit, budget }));
};

/** Runs fn repeatedly for about `ms` milliseconds (after a warm-up) and returns operations per second. */
export function opsPerSecond(fn: (i: number) => void, ms = 1000): number {
  for (let i = 0; i < 1000; i++) fn(i);
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let k = 0; k < 100; k++) fn(n++);
    now = performance.now();
  }
  return (n / (now - start)) * 1000;
}
