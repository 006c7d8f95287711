import { openShadowRoots, PROMPT_TAG } from './dom';

export type ChangeReason = 'edit' | 'structure' | 'poll';

/** What the watcher knows about the page, for adapters that cache their search between scans. */
export interface PageWatch {
  /** Bumped whenever elements were added or removed (or a shadow root appeared). */
  generation(): number;
  shadowRoots(): readonly ShadowRoot[];
}

export interface WatchOptions {
  /** Quiet time after the last change before scanning: short, the prompt must follow the typing. */
  delayMs?: number;
  /** A page that never stops changing (animations) is still scanned at least this often. */
  maxWaitMs?: number;
  /** Widgets may set `.value` by script with no event and no mutation: a slow poll catches those. */
  pollMs?: number;
}

/** Every how many polls the whole page is walked for shadow roots attached late. */
const SHADOW_SWEEP_EVERY = 3;

const OBSERVE: MutationObserverInit = {
  childList: true,
  subtree: true,
  characterData: true,
  attributes: true,
  attributeFilter: ['value', 'checked', 'selected', 'hidden', 'data-value', 'style', 'class', 'aria-selected', 'aria-hidden', 'open', 'title'],
};

function isOurs(node: Node): boolean {
  if (node.nodeType !== 1) return false;
  const el = node as Element;
  return el.tagName.toLowerCase() === PROMPT_TAG || el.hasAttribute('data-pmp-check');
}

function insideOurs(node: Node): boolean {
  const el = node.nodeType === 1 ? (node as Element) : node.parentElement;
  if (!el) return false;
  if (el.closest(`${PROMPT_TAG}, [data-pmp-check]`)) return true;
  const root = el.getRootNode();
  return root.nodeType === 11 && 'host' in root && isOurs((root as ShadowRoot).host);
}

/**
 * Calls `onChange` whenever the order or patient on the page may have changed: typing and
 * selects (events), script-set values and late-loading forms (DOM mutations, also inside open
 * shadow roots), and values set with no trace at all (the poll). Debounced with a ceiling, and
 * torn down through the signal.
 */
export function watchPage(doc: Document, signal: AbortSignal, onChange: (reason: ChangeReason) => void, options: WatchOptions = {}): PageWatch {
  const { delayMs = 25, maxWaitMs = 250, pollMs = 1000 } = options;
  let generation = 0;
  let roots: ShadowRoot[] = [];
  const observed = new WeakSet<ShadowRoot>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let firstPending = 0;
  let pendingReason: ChangeReason = 'edit';

  const fire = (): void => {
    timer = undefined;
    firstPending = 0;
    const reason = pendingReason;
    pendingReason = 'edit';
    onChange(reason);
  };
  const schedule = (reason: ChangeReason): void => {
    if (signal.aborted) return;
    if (reason === 'structure') pendingReason = 'structure';
    const now = Date.now();
    if (timer !== undefined) {
      clearTimeout(timer);
      if (now - firstPending >= maxWaitMs) {
        fire();
        return;
      }
    } else firstPending = now;
    timer = setTimeout(fire, delayMs);
  };

  const mo = new MutationObserver((records) => {
    let structural = false;
    let relevant = false;
    for (const r of records) {
      if (insideOurs(r.target)) continue;
      // A panel shown or hidden by its `hidden` attribute changes what is on the page too.
      if (r.type === 'attributes' && r.attributeName === 'hidden') structural = true;
      if (r.type === 'childList') {
        const added = [...r.addedNodes];
        const removed = [...r.removedNodes];
        // Our own prompt being placed or removed is not a page change.
        if (added.concat(removed).every(isOurs)) continue;
        structural = true;
        for (const n of added) if (n.nodeType === 1) observeShadowsUnder(n as Element);
      }
      relevant = true;
    }
    if (structural) generation++;
    if (relevant) schedule(structural ? 'structure' : 'edit');
  });

  function observeRoot(sr: ShadowRoot): boolean {
    if (observed.has(sr)) return false;
    observed.add(sr);
    roots.push(sr);
    mo.observe(sr, OBSERVE);
    return true;
  }
  function observeShadowsUnder(el: Element): void {
    for (const sr of openShadowRoots(el)) observeRoot(sr);
  }
  function discoverShadows(): boolean {
    roots = roots.filter((r) => r.host.isConnected);
    let found = false;
    for (const sr of openShadowRoots(doc)) if (observeRoot(sr)) found = true;
    return found;
  }

  const onEvent = (e: Event): void => {
    // Events from inside our own prompt (its buttons, the dismiss form) are not order edits.
    const path = e.composedPath();
    if (path.some((n) => n instanceof Object && 'tagName' in n && isOurs(n as Element))) return;
    schedule('edit');
  };
  for (const type of ['input', 'change']) doc.addEventListener(type, onEvent, { capture: true, signal });
  mo.observe(doc.documentElement, OBSERVE);
  discoverShadows();

  let polls = 0;
  const poll = setInterval(() => {
    // Shadow roots attached after insertion (custom elements upgraded late) leave no mutation;
    // walking the whole page for them costs about a millisecond on a big page, so not every poll.
    if (polls++ % SHADOW_SWEEP_EVERY === 0 && discoverShadows()) generation++;
    onChange('poll');
  }, pollMs);
  signal.addEventListener('abort', () => {
    clearInterval(poll);
    mo.disconnect();
    if (timer !== undefined) clearTimeout(timer);
  });
  schedule('structure');
  return { generation: () => generation, shadowRoots: () => roots };
}
