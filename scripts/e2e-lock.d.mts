/** Waits for the machine-wide end-to-end lock (see e2e-lock.mjs); resolves to the function that releases it. */
export function acquire(timeoutMs?: number): Promise<() => void>;
