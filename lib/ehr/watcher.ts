import { openShadowRoots, PROMPT_TAG } from './dom';

export type ChangeReason = 'edit' | 'structure' | 'poll';

/** What the watcher knows about the page, for adapters that cache their search between scans. */
export interface PageWatch {
  /** Bumped whenever elements were added or removed (or a shadow root appeared). */
  generation(): number;
  /** Bumped on every change to the page's DOM (not our own) and on every poll: typing leaves it alone. */
  changes(): number;
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

/** Every how many poll intervals the whole page is walked for shadow roots attached late. */
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
  let changes = 0;
  let roots: ShadowRoot[] = [];
  const observed = new WeakSet<ShadowRoot>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let firstPending = 0;
  let pendingReason: ChangeReason = 'edit';

  // When the page was last read (every scan reads every field) and last typed in.
  let lastScan = Date.now();
  let lastTyped = -Infinity;

  const fire = (): void => {
    timer = undefined;
    firstPending = 0;
    const reason = pendingReason;
    pendingReason = 'edit';
    lastScan = Date.now();
    onChange(reason);
  };
  const schedule = (reason: ChangeReason, now = Date.now()): void => {
    if (signal.aborted) return;
    if (reason === 'structure') pendingReason = 'structure';
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
    if (!relevant) return;
    changes++;
    schedule(structural ? 'structure' : 'edit');
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
    // Heard at the document, an event from a shadow tree names its host as the target: a look
    // up from the target finds our UI, cheaper on every keystroke than the composed path, which
    // is only needed when the target is a page's shadow host (our prompt may be inside).
    const target = e.target as Node | null;
    if (target && insideOurs(target)) return;
    if ((target as Partial<Element> | null)?.shadowRoot && e.composedPath().some((n) => n instanceof Object && 'tagName' in n && isOurs(n as Element))) return;
    lastTyped = Date.now();
    schedule('edit', lastTyped);
  };
  for (const type of ['input', 'change']) doc.addEventListener(type, onEvent, { capture: true, signal });
  mo.observe(doc.documentElement, OBSERVE);
  discoverShadows();

  // The poll: the page is read at least every pollMs. While edits keep it read (typing: a scan
  // per keystroke), the poll has nothing to add and only looks again pollMs after the last scan.
  let nextSweep = Date.now() + pollMs;
  let poll: ReturnType<typeof setTimeout> | undefined;
  const tick = (): void => {
    if (signal.aborted) return;
    const now = Date.now();
    let found = false;
    // Shadow roots attached after insertion (custom elements upgraded late) leave no mutation;
    // walking the whole page for them costs about a millisecond on a big page, so only every
    // few polls, and not while the user types.
    if (now >= nextSweep && now - lastTyped >= pollMs) {
      nextSweep = now + SHADOW_SWEEP_EVERY * pollMs;
      found = discoverShadows();
      if (found) generation++;
    }
    const wait = lastScan + pollMs - now;
    if (wait > 0 && !found) {
      poll = setTimeout(tick, wait);
      return;
    }
    lastScan = now;
    changes++;
    onChange('poll');
    poll = setTimeout(tick, pollMs);
  };
  poll = setTimeout(tick, pollMs);
  signal.addEventListener('abort', () => {
    clearTimeout(poll);
    mo.disconnect();
    if (timer !== undefined) clearTimeout(timer);
  });
  schedule('structure');
  return { generation: () => generation, changes: () => changes, shadowRoots: () => roots };
}
