import { PmpDatabase } from '@/lib/attestations/db';
import { AttestationRepository } from '@/lib/attestations/repository';
import { Envelope } from '@/lib/messaging/protocol';
import { isOwnSender, listen } from '@/lib/messaging/server';
import { createHandlers, openPanelNow } from './handlers';

export default defineBackground(() => {
  const repo = new AttestationRepository(new PmpDatabase());
  listen(createHandlers({ repo }), (message, sender) => {
    const env = Envelope.safeParse(message);
    if (env.success && env.data.type === 'openPanel' && isOwnSender(sender)) openPanelNow(sender);
  });
});
