import { send } from '../messaging/client';
import type { Decision } from '../rules/decision';
import type { EhrAdapter } from './adapter';
import { createPrompt, type PromptHandle } from './prompt';
import { observe, watchPage } from './watcher';

/**
 * Runs one EHR page: watches for an order, asks the background for the decision, shows the
 * prompt next to the order. Never throws into the page: failures are logged without PHI.
 */
export function runController(adapter: EhrAdapter, doc: Document, signal: AbortSignal): { refresh(): void } {
  let prompt: PromptHandle | undefined;
  let lastKey = '';
  let latest: { decision: Decision; obs: NonNullable<ReturnType<typeof observe>> } | undefined;
  let seq = 0;

  function clear(): void {
    prompt?.remove();
    prompt = undefined;
    latest = undefined;
    lastKey = '';
  }

  function openPanel(): void {
    if (!latest) return;
    // Sent straight from the click so the background can open the panel with the user's gesture.
    send('openPanel', { patient: latest.obs.patient, order: latest.obs.candidate.order, decision: latest.decision }).catch(
      (e: unknown) => {
        console.warn('PMP Check: could not open the PMP panel', e instanceof Error ? e.message : 'unknown error');
      },
    );
  }

  async function check(force: boolean): Promise<void> {
    const obs = observe(adapter, doc);
    if (!obs) {
      clear();
      return;
    }
    const key = JSON.stringify([obs.patient, obs.candidate.order]);
    if (!force && key === lastKey) return;
    lastKey = key;
    const mine = ++seq;
    const { decision } = await send('evaluate', { patient: obs.patient, order: obs.candidate.order });
    if (mine !== seq || signal.aborted) return; // a newer edit won
    latest = { decision, obs };
    if (!prompt) prompt = createPrompt(doc, openPanel);
    if (prompt.host.previousElementSibling !== obs.candidate.anchor) obs.candidate.anchor.after(prompt.host);
    prompt.render(decision);
  }

  const run = (force: boolean): void => {
    check(force).catch((e: unknown) => {
      console.warn('PMP Check: could not check this order', e instanceof Error ? e.message : 'unknown error');
    });
  };
  watchPage(doc, signal, () => {
    run(false);
  });
  signal.addEventListener('abort', clear);
  return {
    refresh: () => {
      run(true);
    },
  };
}
