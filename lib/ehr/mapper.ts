import { clean, shownValue, textOf } from './dom';
import { locatorFor } from './locator';
import { FIELD_LABELS, FieldMapping, MAPPED_FIELDS, REQUIRED_FIELDS, type FieldLocator, type MappedFieldName } from './mapping';

/** Host tag of the field mapper's UI (highlight and panel); the watcher ignores it. */
export const MAPPER_TAG = 'pmp-check-mapper';

const PATIENT_FIELDS: readonly MappedFieldName[] = ['patientName', 'patientDob', 'patientMrn'];

const STYLE = `
:host { all: initial; }
.hl { position: fixed; pointer-events: none; border: 2px solid #1d4ed8; background: rgba(29,78,216,.12); border-radius: 3px; z-index: 2147483646; display: none; }
.panel { position: fixed; bottom: 12px; right: 12px; z-index: 2147483647; width: 340px; max-width: calc(100vw - 24px); background: #fff; color: #111827; border: 2px solid #1d4ed8; border-radius: 8px; box-shadow: 0 6px 24px rgba(0,0,0,.25); font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; padding: 10px 12px; }
.panel.left { right: auto; left: 12px; }
h2 { font-size: 15px; margin: 0 0 6px; }
ol { margin: 6px 0; padding-left: 20px; }
li { margin: 3px 0; }
li.current { font-weight: 700; }
li .got { color: #166534; font-weight: 400; }
.hint { font-size: 13px; color: #374151; }
.row { display: flex; gap: 6px; flex-wrap: wrap; margin-top: 8px; }
button { font: inherit; font-weight: 600; border-radius: 4px; padding: 4px 10px; border: 1px solid #1e3a8a; background: #1d4ed8; color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: #1e3a8a; }
button:disabled { opacity: .5; cursor: not-allowed; }
button:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
.status { margin-top: 6px; font-size: 13px; }
.status.error { color: #991b1b; font-weight: 600; }
`;

export interface MapperHooks {
  /** True in the top frame: it shows the panel and owns the mapping being made. */
  isTop: boolean;
  /** A child frame hands its pick to the background, which relays it to the top frame. */
  sendPick: (pick: { locator: FieldLocator; preview?: string }) => void;
  save: (mapping: FieldMapping) => Promise<void>;
  /** Tells every frame of the tab to stop picking. */
  stop: () => void;
}

export interface MapperHandle {
  /** A pick relayed from another frame (top frame only). */
  pickedElsewhere(pick: { locator: FieldLocator; preview?: string; origin: string }): void;
  end(): void;
}

/**
 * The field mapper: the admin points and clicks at the drug, quantity, sig, days-supply and
 * patient fields of an EHR the built-in adapters do not know. Every frame highlights what is
 * under the pointer and takes the click; the top frame shows the steps and saves the mapping
 * (selectors and label words only, never the values) for its origin.
 */
export function startMapper(doc: Document, hooks: MapperHooks): MapperHandle {
  const host = doc.createElement(MAPPER_TAG);
  host.setAttribute('data-pmp-check', '');
  const shadow = host.attachShadow({ mode: 'open' });
  const style = doc.createElement('style');
  style.textContent = STYLE;
  const hl = doc.createElement('div');
  hl.className = 'hl';
  shadow.append(style, hl);
  doc.documentElement.append(host);
  const origin = doc.defaultView?.location.origin ?? '';
  const picks = new Map<MappedFieldName, { locator: FieldLocator; preview?: string }>();
  const skipped = new Set<MappedFieldName>();
  let panel: HTMLElement | undefined;
  let status: HTMLElement | undefined;
  const ac = new AbortController();

  const current = (): MappedFieldName | undefined => MAPPED_FIELDS.find((f) => !picks.has(f) && !skipped.has(f));
  const ours = (e: Event): boolean => {
    // A page that re-renders its whole document drops our UI: put it back rather than leave a
    // page whose clicks we swallow with no panel to stop us.
    if (!host.isConnected) doc.documentElement.append(host);
    return e.composedPath().includes(host);
  };
  const target = (e: Event): Element | null => {
    const t = e.composedPath()[0];
    return t instanceof Object && 'tagName' in t ? (t as Element) : null;
  };

  function say(text: string, error = false): void {
    if (!status) return;
    status.textContent = text;
    status.className = error ? 'status error' : 'status';
  }

  function assign(pick: { locator: FieldLocator; preview?: string }): void {
    const field = current();
    if (!field) {
      say('All fields are set: save the mapping, or cancel.');
      return;
    }
    const patient = PATIENT_FIELDS.includes(field);
    picks.set(field, patient ? { locator: { path: pick.locator.path } } : pick);
    render();
  }

  function pickElement(el: Element): void {
    // A click on a label means its field.
    const labelled = el.closest('label');
    const forId = labelled?.getAttribute('for');
    const control = forId ? (el.getRootNode() as Document | ShadowRoot).getElementById(forId) : labelled?.querySelector('input, select, textarea');
    const chosen = control ?? el;
    const preview = clean(shownValue(chosen) ?? textOf(chosen, 120)).slice(0, 120) || undefined;
    const pick = { locator: locatorFor(chosen), ...(preview ? { preview } : {}) };
    if (hooks.isTop) assign(pick);
    else hooks.sendPick(pick);
  }

  const win = doc.defaultView;
  win?.addEventListener(
    'mousemove',
    (e) => {
      if (ours(e)) {
        hl.style.display = 'none';
        return;
      }
      const t = target(e);
      if (!t) return;
      const r = t.getBoundingClientRect();
      Object.assign(hl.style, { display: 'block', left: `${String(r.left)}px`, top: `${String(r.top)}px`, width: `${String(r.width)}px`, height: `${String(r.height)}px` });
    },
    { capture: true, signal: ac.signal },
  );
  // The page must not act on the admin's clicks while fields are being picked.
  for (const type of ['mousedown', 'mouseup', 'pointerdown', 'pointerup']) {
    win?.addEventListener(
      type,
      (e) => {
        if (ours(e)) return;
        e.preventDefault();
        e.stopPropagation();
      },
      { capture: true, signal: ac.signal },
    );
  }
  win?.addEventListener(
    'click',
    (e) => {
      if (ours(e)) return;
      e.preventDefault();
      e.stopPropagation();
      const t = target(e);
      if (t) pickElement(t);
    },
    { capture: true, signal: ac.signal },
  );
  win?.addEventListener(
    'keydown',
    (e) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        hooks.stop();
      }
    },
    { capture: true, signal: ac.signal },
  );

  function button(label: string, onClick: () => void, secondary = false): HTMLButtonElement {
    const b = doc.createElement('button');
    b.type = 'button';
    b.textContent = label;
    if (secondary) b.className = 'secondary';
    b.addEventListener('click', (e) => {
      e.stopPropagation();
      onClick();
    });
    return b;
  }

  function render(): void {
    if (!panel) return;
    const step = current();
    const list = doc.createElement('ol');
    for (const f of MAPPED_FIELDS) {
      const li = doc.createElement('li');
      li.dataset.field = f;
      if (f === step) {
        li.className = 'current';
        li.setAttribute('aria-current', 'step');
      }
      li.append(FIELD_LABELS[f]);
      const got = picks.get(f);
      const span = doc.createElement('span');
      span.className = 'got';
      span.textContent = got ? (PATIENT_FIELDS.includes(f) ? ' — ✓ picked' : ` — ✓ ${got.preview ?? 'picked'}`) : skipped.has(f) ? ' — skipped' : '';
      li.append(span);
      list.append(li);
    }
    const hint = doc.createElement('p');
    hint.className = 'hint';
    hint.textContent = step ? `Click the ${FIELD_LABELS[step].replace(' (optional)', '')} on the page.` : 'Every field is set. Save the mapping.';
    const row = doc.createElement('div');
    row.className = 'row';
    const missing = REQUIRED_FIELDS.filter((f) => !picks.has(f));
    const save = button('Save mapping', () => {
      void onSave();
    });
    save.disabled = missing.length > 0;
    if (step && !REQUIRED_FIELDS.includes(step)) row.append(button('Skip this field', () => { skipped.add(step); render(); }, true));
    if (picks.size > 0) {
      row.append(
        button('Start over', () => {
          picks.clear();
          skipped.clear();
          render();
        }, true),
      );
    }
    row.append(save, button('Cancel', hooks.stop, true), button('Move panel', () => panel?.classList.toggle('left'), true));
    const body = panel.querySelector('.body');
    body?.replaceChildren(list, hint, row);
  }

  async function onSave(): Promise<void> {
    const fields = Object.fromEntries([...picks].map(([k, v]) => [k, v.locator]));
    const parsed = FieldMapping.safeParse({ version: 1, origin, fields, savedAt: new Date().toISOString() });
    if (!parsed.success) {
      say(`Cannot save yet: ${parsed.error.issues[0]?.message ?? 'a field is missing'}`, true);
      return;
    }
    say('Saving…');
    try {
      await hooks.save(parsed.data);
      say('Saved. PMP Check now reads this EHR with your mapping.');
      setTimeout(hooks.stop, 1200);
    } catch (e) {
      say(e instanceof Error ? e.message : 'Could not save the mapping', true);
    }
  }

  if (hooks.isTop) {
    panel = doc.createElement('div');
    panel.className = 'panel';
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-modal', 'false');
    panel.setAttribute('aria-labelledby', 'pmp-mapper-title');
    const title = doc.createElement('h2');
    title.id = 'pmp-mapper-title';
    title.textContent = 'PMP Check: map this EHR’s fields';
    const body = doc.createElement('div');
    body.className = 'body';
    status = doc.createElement('div');
    status.className = 'status';
    status.setAttribute('role', 'status');
    status.setAttribute('aria-live', 'polite');
    panel.append(title, body, status);
    shadow.append(panel);
    render();
    panel.querySelector('button')?.focus();
  }

  return {
    pickedElsewhere(pick) {
      if (!hooks.isTop) return;
      if (pick.origin !== origin) {
        say(`That field is in a frame from another site (${pick.origin}): add and map that site separately.`, true);
        return;
      }
      assign(pick);
    },
    end() {
      ac.abort();
      host.remove();
    },
  };
}
