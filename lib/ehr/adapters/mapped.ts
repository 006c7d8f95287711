/**
 * An adapter made from an admin's field mapping (lib/ehr/mapping.ts): the admin pointed at the
 * drug, quantity, sig, days-supply and patient fields once; this reads them on every page of
 * that origin. The patient fields may sit in the top frame and the order in a child frame:
 * each is looked up in whichever document is being read.
 */
import { compact, numberOf, toPatient, type EhrAdapter } from '../adapter';
import { clean, shownValue, textOf } from '../dom';
import { resolveLocator } from '../locator';
import type { FieldLocator, FieldMapping } from '../mapping';

function text(doc: Document, loc: FieldLocator | undefined): { el?: Element; value?: string } {
  if (!loc) return {};
  const el = resolveLocator(doc, loc);
  if (!el) return {};
  const value = shownValue(el) ?? (textOf(el, 200) || undefined);
  return { el, ...(value ? { value } : {}) };
}

/** The lowest element holding all of these (never html or body), or undefined. */
function commonAncestor(els: readonly Element[]): Element | undefined {
  const [first, ...rest] = els;
  for (let node: Element | null = first?.parentElement ?? null; node; node = node.parentElement) {
    if (node.tagName === 'BODY' || node.tagName === 'HTML') return undefined;
    const n = node;
    if (rest.every((e) => n.contains(e))) return node;
  }
  return undefined;
}

/** Reads a page through a saved field mapping. */
export function mappedAdapter(mapping: FieldMapping): EhrAdapter {
  return {
    id: 'mapped',
    label: 'Fields mapped by your admin',
    matches: (loc) => loc.origin === mapping.origin && (!mapping.pathPrefix || loc.pathname.startsWith(mapping.pathPrefix)),

    findOrders(root) {
      const drug = text(root, mapping.fields.drug);
      if (!drug.el || !drug.value) return [];
      const quantity = text(root, mapping.fields.quantity);
      const sig = text(root, mapping.fields.sig);
      const days = text(root, mapping.fields.daysSupply);
      const els = [drug.el, quantity.el, sig.el, days.el].filter((e): e is Element => e !== undefined);
      const anchor = drug.el.closest('form') ?? commonAncestor(els) ?? drug.el.parentElement ?? drug.el;
      return [
        {
          anchor,
          confidence: 1,
          stage: 'draft',
          fields: compact({ drug: drug.el, quantity: quantity.el, sig: sig.el, daysSupply: days.el }),
          order: compact({
            drugText: drug.value,
            quantity: numberOf(quantity.value),
            quantityText: quantity.value,
            sig: sig.value,
            daysSupply: numberOf(days.value),
            kind: 'prescription' as const,
          }),
        },
      ];
    },

    findPatient(root) {
      const name = text(root, mapping.fields.patientName).value;
      const dob = text(root, mapping.fields.patientDob).value;
      const mrn = text(root, mapping.fields.patientMrn).value;
      // Banners often prefix their values ("DOB: …", "MRN 123"): keep only the value.
      return toPatient(name?.replace(/^(?:patient|name)\s*:\s*/i, ''), dob, { mrn: mrn ? clean(mrn.replace(/^(?:mrn|medical record (?:number|no\.?))(?:\s*[:#]\s*|\s+)/i, '')) : undefined });
    },
  };
}
