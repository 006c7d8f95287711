import '@/lib/zod-config'; // first: zod without eval, set before any schema is built
import { startContent } from '@/lib/ehr/content';

export default defineContentScript({
  // The demo EHR only. Every other EHR origin is granted by the admin at run time and this same
  // script is registered for it then (lib/ehr/sites.ts); there is no blanket host access.
  matches: ['http://127.0.0.1:47811/*', 'http://localhost:47811/*'],
  allFrames: true,
  runAt: 'document_idle',
  main(ctx) {
    startContent(window, ctx.signal).catch((e: unknown) => {
      console.warn('PMP Check: could not start on this page', e instanceof Error ? e.message : 'unknown error');
    });
  },
});
