import { clean, isFormControl, textOf } from './dom';
import type { FieldLocator } from './mapping';

// Ids that frameworks generate per render ("downshift-:r3:-input", "ember421", "mui-12345",
// uuids) change between page loads: a mapping must not depend on them.
const UNSTABLE_ID = /\d{4,}|:r[0-9a-z]*:|^ember\d+|^mui-|^react-|^[0-9a-f-]{16,}$|^[a-z]{0,3}\d+$/i;

function cssString(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

function unique(root: Document | ShadowRoot, selector: string, el: Element): boolean {
  try {
    const all = root.querySelectorAll(selector);
    return all.length === 1 && all[0] === el;
  } catch {
    return false;
  }
}

/** A selector for `el` that is unique within its own root (document or shadow root). */
function segmentFor(el: Element, root: Document | ShadowRoot): string {
  const tag = el.tagName.toLowerCase();
  if (el.id && !UNSTABLE_ID.test(el.id)) {
    const s = `#${CSS.escape(el.id)}`;
    if (unique(root, s, el)) return s;
  }
  for (const attr of ['name', 'data-testid', 'data-field', 'aria-label', 'placeholder']) {
    const v = el.getAttribute(attr);
    if (!v || v.length > 80) continue;
    const s = `${tag}[${attr}="${cssString(v)}"]`;
    if (unique(root, s, el)) return s;
  }
  // A path of tag:nth-of-type steps from the nearest ancestor with a stable, unique id.
  const steps: string[] = [];
  let cur: Element = el;
  for (;;) {
    if (cur !== el && cur.id && !UNSTABLE_ID.test(cur.id) && unique(root, `#${CSS.escape(cur.id)}`, cur)) {
      steps.unshift(`#${CSS.escape(cur.id)}`);
      break;
    }
    const parent: Element | null = cur.parentElement;
    const name = cur.tagName.toLowerCase();
    const curTag = cur.tagName;
    const siblings = parent ? [...parent.children].filter((c) => c.tagName === curTag) : [cur];
    steps.unshift(siblings.length > 1 ? `${name}:nth-of-type(${String(siblings.indexOf(cur) + 1)})` : name);
    if (!parent || name === 'body') break;
    cur = parent;
  }
  return steps.join(' > ');
}

/** The label words a field shows (for a fallback when the selector stops matching), if any. */
function labelWords(el: Element): string | undefined {
  const root = el.getRootNode() as Document | ShadowRoot;
  const label =
    (el.id ? root.querySelector(`label[for="${cssString(el.id)}"]`) : null) ??
    el.closest('label') ??
    (el.getAttribute('aria-labelledby') ? root.getElementById(el.getAttribute('aria-labelledby')?.split(/\s+/)[0] ?? '') : null);
  const t = label ? textOf(label, 80) : clean(el.getAttribute('aria-label'));
  return t && t.length <= 80 ? t : undefined;
}

/**
 * Where an element is, as selectors through each shadow root down to it. Only structure and
 * label words are kept, never the element's value. `withLabel` is off for patient fields.
 */
export function locatorFor(el: Element, withLabel = true): FieldLocator {
  const path: string[] = [];
  let cur: Element = el;
  for (let depth = 0; depth < 6; depth++) {
    const root = cur.getRootNode() as Document | ShadowRoot;
    path.unshift(segmentFor(cur, root));
    if (root.nodeType !== 11) break;
    cur = (root as ShadowRoot).host;
  }
  const label = withLabel ? labelWords(el) : undefined;
  return { path, ...(label ? { label } : {}) };
}

/** The element a locator points at in this document, or null. Falls back to the label words. */
export function resolveLocator(doc: Document, loc: FieldLocator): Element | null {
  let root: Document | ShadowRoot = doc;
  let el: Element | null = null;
  try {
    for (let i = 0; i < loc.path.length; i++) {
      el = root.querySelector(loc.path[i] ?? '');
      if (!el) break;
      if (i < loc.path.length - 1) {
        const sr: ShadowRoot | null = el.shadowRoot;
        if (!sr) {
          el = null;
          break;
        }
        root = sr;
      }
    }
  } catch {
    el = null; // a selector the engine rejects: fall back to the label
  }
  if (el || !loc.label) return el;
  const want = loc.label.toLowerCase();
  for (const label of doc.querySelectorAll('label')) {
    if (textOf(label, 80).toLowerCase() !== want) continue;
    const id = label.getAttribute('for');
    const control = id ? doc.getElementById(id) : label.querySelector('input, select, textarea');
    if (control && isFormControl(control)) return control;
  }
  return null;
}
