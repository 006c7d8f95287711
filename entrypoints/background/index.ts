import '@/lib/zod-config'; // first: zod without eval, set before any schema is built
import { PmpDatabase } from '@/lib/attestations/db';
import { AttestationRepository } from '@/lib/attestations/repository';
import { createEhrHandlers, serveEvaluatePort, watchSites } from '@/lib/ehr/background';
import { Envelope } from '@/lib/messaging/protocol';
import { isOwnSender, listen } from '@/lib/messaging/server';
import { createTokenHandlers } from '@/lib/pmp/token-service';
import { loadSettings } from '@/lib/storage/settings';
import { createHandlers, openPanelNow } from './handlers';

export default defineBackground(() => {
  const repo = new AttestationRepository(new PmpDatabase());
  const core = createHandlers({ repo });
  const ehr = createEhrHandlers({
    // A dismissal from the prompt is recorded through the same path as the side panel's
    // "declined" / "exempted": the review context for the tab, then the attest handler.
    recordDismissal: async ({ patient, order, decision, outcome, reason, exemptionId }, sender) => {
      const tabId = sender.tab?.id;
      if (tabId === undefined || !core.openPanel || !core.attest) throw new Error('Not sent from a tab');
      await core.openPanel({ patient, order, decision }, sender);
      const r = await core.attest({ tabId, outcome, reason, ...(exemptionId ? { exemptionId } : {}) }, sender);
      return { seq: r.seq, createdAt: r.createdAt };
    },
  });
  // SMART Backend Services access tokens, cached in this worker's memory.
  const pmpTokens = createTokenHandlers({ loadConnection: async () => (await loadSettings()).pmp });
  listen({ ...core, ...ehr, ...pmpTokens }, (message, sender) => {
    const env = Envelope.safeParse(message);
    if (env.success && env.data.type === 'openPanel' && isOwnSender(sender)) openPanelNow(sender);
  });
  // The content scripts ask "evaluate" on a long-lived port (it follows the typing): same handler.
  const evaluate = core.evaluate;
  if (evaluate) serveEvaluatePort(async (req, sender) => evaluate(req, sender));
  // Content scripts for the EHR origins the admin granted (no blanket host access).
  watchSites();
});
