import { z } from 'zod/mini'; // not 'zod': the content script imports this first and must not load classic zod

// Zod 4 compiles a fast parser for each object schema with the Function constructor. Extension
// pages and content scripts forbid eval (Manifest V3's CSP; Firefox's reviewers flag it), and even
// zod's guarded probe for it is reported as a CSP violation. `jitless` keeps zod on its plain
// interpreter and skips the probe. Object schemas read the flag when they are built, so every
// entrypoint imports this module first, before any module that defines a schema.
z.config({ jitless: true });

/** Whether zod is running without the Function constructor (asked by the tests). */
export function zodIsJitless(): boolean {
  return z.config().jitless === true;
}
