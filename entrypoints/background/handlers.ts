import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import type { AttestationRepository } from '@/lib/attestations/repository';
import type { Attestation } from '@/lib/attestations/schema';
import { sendToTab, type Sender } from '@/lib/messaging/client';
import { initials, patientKey, ReviewContext, type PagePatient } from '@/lib/messaging/protocol';
import type { Handlers } from '@/lib/messaging/server';
import type { Order } from '@/lib/orders/order';
import type { Decision, ReviewEvent } from '@/lib/rules/decision';
import { evaluateOrder } from '@/lib/rules/engine';
import { getPack } from '@/lib/rules/packs';
import { loadSettings } from '@/lib/storage/settings';

function senderOrigin(sender: Sender): string {
  const url = sender.url ?? sender.tab?.url;
  if (!url) throw new Error('Message without a page');
  return new URL(url).origin;
}

function toReviewEvent(a: Attestation): ReviewEvent {
  return { at: a.createdAt, outcome: a.outcome, ruleIds: a.ruleIds, reviewerName: a.reviewer.name, reviewerRole: a.reviewer.role };
}

const CONTEXTS_KEY = 'session:reviewContexts';

/** Review contexts per tab, kept in session storage (memory only) so a restarted worker keeps them. */
async function readContexts(): Promise<Record<string, ReviewContext>> {
  const raw = await storage.getItem<Record<string, unknown>>(CONTEXTS_KEY);
  const out: Record<string, ReviewContext> = {};
  for (const [k, v] of Object.entries(raw ?? {})) {
    const parsed = ReviewContext.safeParse(v);
    if (parsed.success) out[k] = parsed.data;
  }
  return out;
}

async function writeContext(ctx: ReviewContext): Promise<void> {
  const all = await readContexts();
  all[String(ctx.tabId)] = ctx;
  await storage.setItem(CONTEXTS_KEY, all);
}

export interface BackgroundDeps {
  repo: AttestationRepository;
  now?: () => Date;
}

/** Message handlers: validate (done by the messaging layer) → call lib → typed result. */
export function createHandlers({ repo, now = () => new Date() }: BackgroundDeps): Handlers {
  async function decide(origin: string, patient: PagePatient, order: Order): Promise<Decision> {
    const settings = await loadSettings();
    const history = (await repo.forPatient(patientKey(origin, patient))).map(toReviewEvent);
    return evaluateOrder({ order, history, now: now(), pack: getPack(settings.state) });
  }

  return {
    async evaluate({ patient, order }, sender) {
      return { decision: await decide(senderOrigin(sender), patient, order) };
    },

    async openPanel({ patient, order, decision }, sender) {
      const tabId = sender.tab?.id;
      if (tabId === undefined) return { opened: false, error: 'Not sent from a tab' };
      await writeContext({ tabId, origin: senderOrigin(sender), patient, order, decision, openedAt: now().toISOString() });
      return { opened: true };
    },

    async getContext({ tabId }) {
      const all = await readContexts();
      return { context: all[String(tabId)] ?? null };
    },

    async attest({ tabId, outcome, pmpQueriedAt, pmpError, prescriberName }) {
      const ctx = (await readContexts())[String(tabId)];
      if (!ctx) throw new Error('This review is no longer open: start it again from the EHR');
      const settings = await loadSettings();
      const me = settings.identity;
      if (!me) throw new Error('Say who you are first (name and role), so the review is recorded under your name');
      const prescriber =
        me.role === 'prescriber'
          ? { name: me.name, ...(me.npi ? { npi: me.npi } : {}), ...(me.dea ? { dea: me.dea } : {}) }
          : settings.supervisingPrescribers.find((p) => p.name === prescriberName) ?? (prescriberName ? { name: prescriberName } : undefined);
      if (!prescriber) throw new Error('Choose the prescriber you are reviewing for');
      const pack = getPack(settings.state);
      const record = await repo.append({
        reviewer: { userId: me.userId, name: me.name, role: me.role, ...(me.npi ? { npi: me.npi } : {}), ...(me.dea ? { dea: me.dea } : {}) },
        prescriber,
        patient: {
          key: patientKey(ctx.origin, ctx.patient),
          ...(ctx.patient.mrn ? { mrn: ctx.patient.mrn } : {}),
          initials: initials(ctx.patient),
          birthDate: ctx.patient.birthDate,
        },
        order: {
          drug: ctx.order.drugText,
          ...(ctx.decision.drug.ingredient ? { ingredient: ctx.decision.drug.ingredient } : {}),
          ...(ctx.decision.drug.schedule ? { schedule: ctx.decision.drug.schedule } : {}),
          ...(ctx.order.quantity !== undefined ? { quantity: ctx.order.quantity } : {}),
          daysSupply: ctx.decision.supply.daysSupply,
        },
        ruleIds: ctx.decision.ruleIds,
        state: pack.state,
        packVersion: pack.version,
        outcome,
        ...(outcome === 'pmp-unavailable'
          ? { followUpDueAt: new Date(now().getTime() + pack.pmpDownFollowUpHours * 3_600_000).toISOString() }
          : {}),
        pmpSource: settings.pmp.label,
        ...(pmpQueriedAt ? { pmpQueriedAt } : {}),
        ...(pmpError ? { pmpError } : {}),
        ehrOrigin: ctx.origin,
      });
      const decision = await decide(ctx.origin, ctx.patient, ctx.order);
      await writeContext({ ...ctx, decision });
      // The page may have been closed or navigated: the record is kept either way.
      await sendToTab(tabId, 'reviewChanged', { patientKey: record.patient.key }).catch(() => undefined);
      return { seq: record.seq, createdAt: record.createdAt, decision };
    },
  };
}

/**
 * Opens the side panel (Chrome) or sidebar (Firefox) for the tab that asked. Called
 * synchronously from the message listener: the click's user gesture is lost after any await.
 */
export function openPanelNow(sender: Sender): void {
  const tabId = sender.tab?.id;
  const g = globalThis as unknown as {
    chrome?: { sidePanel?: { open(o: { tabId: number }): Promise<void> } };
  };
  if (tabId !== undefined && g.chrome?.sidePanel) {
    g.chrome.sidePanel.open({ tabId }).catch((e: unknown) => {
      console.warn('PMP Check: could not open the side panel', e);
    });
    return;
  }
  // Firefox: sidebarAction.open() only works from a user action in the extension's own UI; a click
  // relayed from a content script is refused. A sidebar the user already keeps open follows the
  // new review by itself; otherwise the same panel opens in a tab beside the EHR.
  const sidebar = (browser as unknown as {
    sidebarAction?: { open(): Promise<void>; isOpen(d: { windowId?: number }): Promise<boolean> };
  }).sidebarAction;
  const inTab = (): void => {
    if (tabId === undefined) return;
    browser.tabs
      .create({
        url: browser.runtime.getURL(`/sidepanel.html?tabId=${String(tabId)}`),
        ...(sender.tab?.index !== undefined ? { index: sender.tab.index + 1 } : {}),
        openerTabId: tabId,
      })
      .catch((e: unknown) => {
        console.warn('PMP Check: could not open the PMP review', e instanceof Error ? e.message : 'unknown error');
      });
  };
  if (!sidebar) {
    inTab();
    return;
  }
  sidebar.open().catch(async () => {
    const open = await sidebar.isOpen({ ...(sender.tab?.windowId !== undefined ? { windowId: sender.tab.windowId } : {}) }).catch(() => false);
    if (!open) inTab();
  });
}
