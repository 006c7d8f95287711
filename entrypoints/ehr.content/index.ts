import { pickAdapter } from '@/lib/ehr/adapters';
import { runController } from '@/lib/ehr/controller';
import { listen } from '@/lib/messaging/server';

export default defineContentScript({
  // The demo EHR; other EHR origins are granted and registered at run time by the admin.
  matches: ['http://127.0.0.1:47811/*', 'http://localhost:47811/*'],
  allFrames: true,
  runAt: 'document_idle',
  main(ctx) {
    const adapter = pickAdapter(window.location);
    if (!adapter) return;
    const controller = runController(adapter, document, ctx.signal);
    const stop = listen({
      reviewChanged: () => {
        controller.refresh();
        return { ok: true };
      },
    });
    ctx.onInvalidated(stop);
  },
});
