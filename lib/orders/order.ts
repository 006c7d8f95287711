import { z } from 'zod/mini'; // the content script loads this module: no classic zod (lib/messaging/content-bundle.test.ts)

/** Where the order is written: several state rules exempt ED, hospice or inpatient orders. */
export const Setting = z.enum(['outpatient', 'inpatient', 'ed', 'hospice', 'long-term-care']);
export type Setting = z.infer<typeof Setting>;

/** 'administration' is a nurse giving a dose, which is not prescribing (CGS 21a-240). */
export const OrderKind = z.enum(['prescription', 'administration']);
export type OrderKind = z.infer<typeof OrderKind>;

/**
 * A medication order as read from an EHR form. Everything but the drug text is optional because
 * EHRs expose different fields; free text (sig, quantityText) is kept beside any structured
 * value so the days-supply calculation can explain itself.
 */
export const Order = z.object({
  drugText: z.string().check(z.minLength(1)),
  rxcui: z.optional(z.string()),
  ndc: z.optional(z.string()),
  /** '5 mg', '5-325 mg', '12 mcg/hr', '10 mg/5 mL' */
  strength: z.optional(z.string()),
  doseForm: z.optional(z.string()),
  quantity: z.optional(z.number().check(z.positive())),
  quantityText: z.optional(z.string()),
  quantityUnit: z.optional(z.string()),
  sig: z.optional(z.string()),
  /** Units (tablets, mL, patches) per administration, when the EHR has a structured dose. */
  dose: z.optional(z.number().check(z.positive())),
  dosesPerDay: z.optional(z.number().check(z.positive())),
  durationDays: z.optional(z.number().check(z.positive())),
  daysSupply: z.optional(z.number().check(z.positive())),
  refills: z.optional(z.int().check(z.minimum(0))),
  patientAgeYears: z.optional(z.number().check(z.minimum(0))),
  setting: z.optional(Setting),
  kind: z.optional(OrderKind),
  continuousTherapy: z.optional(z.boolean()),
});
export type Order = z.infer<typeof Order>;
