/**
 * DOM reading that survives real EHR pages: open shadow roots, hidden tabs and frames, selects
 * whose visible text differs from their value, chips that hold a choice as plain text.
 * Everything here only reads the page.
 */

/** Tag of the inline prompt's host element; everything under it is ours, not the page's. */
export const PROMPT_TAG = 'pmp-check-prompt';

const CONTROL_TAGS = new Set(['INPUT', 'SELECT', 'TEXTAREA']);

/** True for input, select and textarea elements (of any frame: no instanceof across realms). */
export function isFormControl(el: Element): el is HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement {
  return CONTROL_TAGS.has(el.tagName);
}

/** Is this element (the prompt's or the mapper's host) part of PMP Check's own UI? */
export function isOurUi(el: Element): boolean {
  return el.hasAttribute('data-pmp-check') || el.tagName.toLowerCase() === PROMPT_TAG;
}

/**
 * Every open shadow root under `root`, depth first (closed roots cannot be read, by design),
 * except our own UI's.
 */
export function openShadowRoots(root: Document | ShadowRoot | Element): ShadowRoot[] {
  const out: ShadowRoot[] = [];
  const visit = (start: Document | ShadowRoot | Element): void => {
    const doc = 'createTreeWalker' in start ? start : start.ownerDocument;
    const walker = doc.createTreeWalker(start, 1 /* NodeFilter.SHOW_ELEMENT */);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const sr = (n as Element).shadowRoot;
      if (sr && !isOurUi(n as Element)) {
        out.push(sr);
        visit(sr);
      }
    }
  };
  if (!('tagName' in root) || !root.shadowRoot) visit(root);
  else {
    out.push(root.shadowRoot);
    visit(root.shadowRoot);
    visit(root);
  }
  return out;
}

/** querySelectorAll through the document and every given open shadow root. */
export function deepQueryAll<E extends Element = Element>(doc: Document, selector: string, roots: readonly ShadowRoot[] = openShadowRoots(doc)): E[] {
  const out = [...doc.querySelectorAll<E>(selector)];
  for (const r of roots) out.push(...r.querySelectorAll<E>(selector));
  return out;
}

/** The parent across a shadow boundary (the host), so visibility and context checks see the whole page. */
export function composedParent(el: Element): Element | null {
  if (el.parentElement) return el.parentElement;
  const root = el.getRootNode();
  return root.nodeType === 11 && 'host' in root ? (root as ShadowRoot).host : null;
}

function hiddenByStyle(el: Element): boolean {
  const style = (el as HTMLElement).style as CSSStyleDeclaration | undefined;
  if (style?.display === 'none' || style?.visibility === 'hidden') return true;
  const view = el.ownerDocument.defaultView;
  if (!view) return false;
  const cs = view.getComputedStyle(el);
  return cs.display === 'none' || cs.visibility === 'hidden';
}

/**
 * Is this element rendered for the user? Hidden tabs, closed dialogs and `hidden` panels count
 * as not shown: an order left open there (maybe for another patient) must not prompt.
 */
export function isShown(el: Element): boolean {
  if (!el.isConnected) return false;
  const probe = el as Element & { checkVisibility?: (o?: object) => boolean };
  const engineChecked = typeof probe.checkVisibility === 'function';
  if (engineChecked && !probe.checkVisibility({ visibilityProperty: true })) return false;
  // Walk up through shadow hosts: the `hidden` attribute always, styles only when the engine
  // could not tell us (checkVisibility already covers display and visibility).
  for (let cur: Element | null = el; cur; cur = composedParent(cur)) {
    if (cur.hasAttribute('hidden')) return false;
    if (!engineChecked && hiddenByStyle(cur)) return false;
    if (engineChecked && (cur as Partial<HTMLElement>).style?.display === 'none') return false;
  }
  return true;
}

/** Whitespace-collapsed text, or '' */
export function clean(text: string | null | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

const SKIP_TEXT_TAGS = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'BUTTON', 'SVG', 'NOSCRIPT']);

/** Visible-ish text of an element, skipping buttons (a chip's "×"), scripts and our own prompt. */
export function textOf(el: Element, max = 400): string {
  let out = '';
  const walk = (node: Node): void => {
    if (out.length > max) return;
    if (node.nodeType === 3) {
      out += node.nodeValue ?? '';
      return;
    }
    if (node.nodeType !== 1) return;
    const e = node as Element;
    if (SKIP_TEXT_TAGS.has(e.tagName.toUpperCase()) || e.tagName.toLowerCase() === PROMPT_TAG) return;
    if (e.getAttribute('aria-hidden') === 'true' && !isFormControl(e)) return;
    for (let c = e.firstChild; c; c = c.nextSibling) walk(c);
    out += ' ';
  };
  walk(el);
  return clean(out).slice(0, max);
}

/**
 * What the user sees in a field: a select's chosen option TEXT (EHRs put ids in values), an
 * input's value, or an element's text. Undefined when empty or a placeholder option.
 */
export function shownValue(el: Element | null | undefined): string | undefined {
  if (!el) return undefined;
  let text: string;
  if (el.tagName === 'SELECT') {
    const sel = el as HTMLSelectElement;
    const opt = sel.selectedIndex >= 0 ? sel.options[sel.selectedIndex] : undefined;
    if (!opt) return undefined;
    text = clean(opt.textContent);
    // "-- select --", "Select…", "SKIP" are not choices.
    if (/^(-+\s*)?(select|choose|skip|none)\b/i.test(text) && (opt.value === '' || opt.value === '0')) return undefined;
  } else if (el.tagName === 'INPUT') {
    const input = el as HTMLInputElement;
    if (input.type === 'checkbox' || input.type === 'radio') return input.checked ? clean(input.value) || 'on' : undefined;
    text = clean(input.value);
  } else if (el.tagName === 'TEXTAREA') {
    text = clean((el as HTMLTextAreaElement).value);
  } else {
    text = textOf(el);
  }
  return text === '' ? undefined : text;
}

/** Same-origin ancestor frames of a window, nearest first; stops at the first cross-origin parent. */
export interface FrameView {
  doc: Document;
  /** Documents above this one and the frame element that holds the one below, nearest first. */
  ancestors: readonly { doc: Document; frame: Element | null }[];
}

/** The frame chain of a window, read defensively (a cross-origin parent throws on access). */
export function frameViewOf(win: Window): FrameView {
  const ancestors: { doc: Document; frame: Element | null }[] = [];
  let cur: Window = win;
  for (let depth = 0; depth < 10 && cur.parent !== cur; depth++) {
    let frame: Element | null = null;
    let parentDoc: Document | undefined;
    try {
      parentDoc = cur.parent.document;
      const child = cur;
      // frameElement is null in some engines (and for a sandboxed frame): find our frame by its window.
      frame = cur.frameElement ?? [...parentDoc.querySelectorAll('iframe, frame')].find((f) => (f as HTMLIFrameElement).contentWindow === child) ?? null;
    } catch {
      break; // cross-origin: we cannot see further up
    }
    if (!frame) break;
    ancestors.push({ doc: parentDoc, frame });
    cur = cur.parent;
  }
  return { doc: win.document, ancestors };
}

/** Is the frame that holds this document shown (not a hidden tab or a closed dialog), all the way up? */
export function frameShown(view: FrameView): boolean {
  for (const a of view.ancestors) {
    if (!a.frame) continue;
    if (!isShown(a.frame)) return false;
    const r = a.frame.getBoundingClientRect();
    // A zero-size frame is a hidden worker frame or a collapsed tab, in a real layout engine.
    if (r.width === 0 && r.height === 0 && a.frame.ownerDocument.defaultView?.navigator.userAgent.includes('Chrome')) return false;
  }
  return true;
}
