import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import { exemptionsOf } from '@/lib/attestations/exemptions';
import { patientKeys, patientRef } from '@/lib/attestations/patient';
import type { AttestationRepository, LogEntry } from '@/lib/attestations/repository';
import type { Attestation, AttestationDraft, PrescriberRef } from '@/lib/attestations/schema';
import { reviewsToDo } from '@/lib/attestations/todo';
import { sendToTab, type Sender } from '@/lib/messaging/client';
import { ReviewContext, type PagePatient } from '@/lib/messaging/protocol';
import type { Handlers } from '@/lib/messaging/server';
import type { Order } from '@/lib/orders/order';
import type { Decision, ReviewEvent } from '@/lib/rules/decision';
import { evaluateOrder } from '@/lib/rules/engine';
import { packForSettings } from '@/lib/rules/packs';
import { loadSettings, type Identity, type Settings } from '@/lib/storage/settings';

function senderOrigin(sender: Sender): string {
  const url = sender.url ?? sender.tab?.url;
  if (!url) throw new Error('Message without a page');
  return new URL(url).origin;
}

/**
 * The engine's view of a patient's log: every review-type record, each delegate review marked
 * with its acknowledgement. Acknowledgements themselves are left out, so they never count as a
 * review (nor twice).
 */
export function toReviewEvents(entries: readonly LogEntry[]): ReviewEvent[] {
  const acks = new Map<string, Attestation>();
  for (const { record } of entries) if (record.outcome === 'acknowledged' && record.acknowledges) acks.set(record.acknowledges.id, record);
  return entries.flatMap(({ record: a }): ReviewEvent[] => {
    if (a.outcome === 'acknowledged') return [];
    const ack = acks.get(a.id);
    return [
      {
        at: a.createdAt,
        outcome: a.outcome,
        ruleIds: a.ruleIds,
        reviewerName: a.reviewer.name,
        reviewerRole: a.reviewer.role,
        id: a.id,
        ...(ack ? { acknowledgedAt: ack.createdAt, acknowledgedBy: ack.reviewer.name } : {}),
      },
    ];
  });
}

const normName = (n: string) => n.toLowerCase().replace(/^dr\.?\s+/, '').replace(/[^a-z0-9]+/g, ' ').trim();

/** The prescriber a review is for: the prescriber themself, or the delegate's chosen supervising prescriber. */
function prescriberFor(me: Identity, settings: Settings, prescriberName: string | undefined): PrescriberRef {
  if (me.role === 'prescriber') return { name: me.name, ...(me.npi ? { npi: me.npi } : {}), ...(me.dea ? { dea: me.dea } : {}) };
  if (settings.supervisingPrescribers.length === 0) throw new Error('Add the prescribers you review for (PMP Check options → Delegates) first');
  if (!prescriberName?.trim()) throw new Error('Choose the prescriber you are reviewing for');
  const p = settings.supervisingPrescribers.find((s) => normName(s.name) === normName(prescriberName));
  if (!p) throw new Error(`"${prescriberName}" is not one of your supervising prescribers: add them in options first`);
  return { name: p.name, ...(p.npi ? { npi: p.npi } : {}), ...(p.dea ? { dea: p.dea } : {}) };
}

function reviewerOf(me: Identity): AttestationDraft['reviewer'] {
  return { userId: me.userId, name: me.name, role: me.role, ...(me.npi ? { npi: me.npi } : {}), ...(me.dea ? { dea: me.dea } : {}) };
}

function orderRef(order: Order, decision: Decision): AttestationDraft['order'] {
  return {
    drug: order.drugText,
    ...(decision.drug.ingredient ? { ingredient: decision.drug.ingredient } : {}),
    ...(decision.drug.schedule ? { schedule: decision.drug.schedule } : {}),
    ...(order.quantity !== undefined ? { quantity: order.quantity } : {}),
    daysSupply: decision.supply.daysSupply,
  };
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
  // A worker that stopped mid-write left its attestations in the outbox: write them now.
  queueMicrotask(() => {
    repo.flush().catch(() => undefined);
  });
  async function decide(origin: string, patient: PagePatient, order: Order, settings?: Settings): Promise<Decision> {
    settings ??= await loadSettings();
    const history = toReviewEvents(await repo.historyFor(await patientKeys(origin, patient)));
    return evaluateOrder({ order, history, now: now(), pack: packForSettings(settings), settings: { continuousTherapy: settings.continuousTherapy } });
  }

  return {
    async evaluate({ patient, order }, sender) {
      const settings = await loadSettings();
      const me = settings.identity;
      // Who is looking: the prompt offers "Acknowledge" (a delegate's review) to a prescriber only.
      return { decision: await decide(senderOrigin(sender), patient, order, settings), ...(me ? { viewer: { role: me.role, name: me.name } } : {}) };
    },

    async openPanel({ patient, order, decision, ehrUser }, sender) {
      const tabId = sender.tab?.id;
      if (tabId === undefined) return { opened: false, error: 'Not sent from a tab' };
      await writeContext({ tabId, origin: senderOrigin(sender), patient, order, decision, openedAt: now().toISOString(), ...(ehrUser ? { ehrUser } : {}) });
      return { opened: true };
    },

    async getContext({ tabId }) {
      const all = await readContexts();
      return { context: all[String(tabId)] ?? null };
    },

    async attest({ tabId, outcome, pmpQueriedAt, pmpError, prescriberName, exemptionId, reason }) {
      const ctx = (await readContexts())[String(tabId)];
      if (!ctx) throw new Error('This review is no longer open: start it again from the EHR');
      const settings = await loadSettings();
      const me = settings.identity;
      if (!me) throw new Error('Say who you are first (name and role), so the review is recorded under your name');
      const prescriber = prescriberFor(me, settings, prescriberName);
      const pack = packForSettings(settings);
      let exemption: AttestationDraft['exemption'];
      if (outcome === 'exempted') {
        const options = exemptionsOf(pack, ctx.decision.ruleIds);
        if (options.length === 0) throw new Error(`${pack.name} allows no exemption other than the PMP being unavailable: record "PMP unavailable" instead`);
        exemption = options.find((e) => e.id === exemptionId);
        if (!exemption) throw new Error(`Choose one of the ${pack.name} exemptions`);
      }
      if (outcome === 'declined') {
        if (me.role !== 'prescriber') throw new Error('Only the prescriber can decline the review');
        if ((reason?.trim().length ?? 0) < 3) throw new Error('Say why the PMP review is not being done');
      }
      const record = await repo.append({
        reviewer: reviewerOf(me),
        prescriber,
        patient: await patientRef(ctx.origin, ctx.patient, settings.patientIdentifiers),
        order: orderRef(ctx.order, ctx.decision),
        ruleIds: ctx.decision.ruleIds,
        state: pack.state,
        packVersion: pack.version,
        outcome,
        ...(exemption ? { exemption } : {}),
        ...(reason?.trim() ? { reason: reason.trim() } : {}),
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

    async acknowledge(req, sender) {
      let origin: string;
      let patient: PagePatient;
      let order: Order;
      let tabId = sender.tab?.id;
      if ('tabId' in req) {
        const ctx = (await readContexts())[String(req.tabId)];
        if (!ctx) throw new Error('This review is no longer open: start it again from the EHR');
        ({ origin, patient, order } = ctx);
        tabId = req.tabId;
      } else {
        ({ patient, order } = req);
        origin = senderOrigin(sender);
      }
      const settings = await loadSettings();
      const me = settings.identity;
      if (!me) throw new Error('Say who you are first (name and role), so the acknowledgement is recorded under your name');
      if (me.role !== 'prescriber') throw new Error("Only a prescriber acknowledges a delegate's review");
      const entries = await repo.historyFor(await patientKeys(origin, patient));
      const ackedByMe = new Map(
        entries.flatMap(({ record: r }) => (r.outcome === 'acknowledged' && r.acknowledges && r.reviewer.userId === me.userId ? [[r.acknowledges.id, r] as const] : [])),
      );
      const delegateReviews = entries.filter((e) => e.record.outcome === 'reviewed' && e.record.reviewer.role === 'delegate');
      const target = req.reviewId
        ? delegateReviews.find((e) => e.record.id === req.reviewId)
        : delegateReviews.filter((e) => !ackedByMe.has(e.record.id)).at(-1) ?? delegateReviews.at(-1);
      if (!target) throw new Error(req.reviewId ? 'That review is not a delegate review of this patient' : 'No delegate review of this patient to acknowledge');
      const earlier = ackedByMe.get(target.record.id);
      if (earlier) {
        // A second click records nothing new: the first acknowledgement stands.
        return { seq: earlier.seq, createdAt: earlier.createdAt, decision: await decide(origin, patient, order), alreadyAcknowledged: true };
      }
      const pack = packForSettings(settings);
      const decisionBefore = await decide(origin, patient, order);
      const r = target.record;
      const record = await repo.append({
        reviewer: reviewerOf(me),
        prescriber: prescriberFor(me, settings, undefined),
        patient: r.patient,
        order: orderRef(order, decisionBefore),
        ruleIds: r.ruleIds,
        state: pack.state,
        packVersion: pack.version,
        outcome: 'acknowledged',
        acknowledges: { id: r.id, chainId: target.chainId, seq: r.seq, hash: r.hash, reviewerName: r.reviewer.name, reviewedAt: r.createdAt },
        pmpSource: r.pmpSource,
        ...(r.pmpQueriedAt ? { pmpQueriedAt: r.pmpQueriedAt } : {}),
        ehrOrigin: origin,
      });
      const decision = await decide(origin, patient, order);
      if (tabId !== undefined) await sendToTab(tabId, 'reviewChanged', { patientKey: record.patient.key }).catch(() => undefined);
      return { seq: record.seq, createdAt: record.createdAt, decision, alreadyAcknowledged: false };
    },

    async reviewsToDo({ horizonDays }) {
      const settings = await loadSettings();
      const at = now();
      const entries = await repo.everything();
      return { items: reviewsToDo(entries.map((e) => e.record), packForSettings(settings), at, horizonDays), generatedAt: at.toISOString() };
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
