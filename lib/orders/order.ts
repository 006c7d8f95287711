import { z } from 'zod';

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
  drugText: z.string().min(1),
  rxcui: z.string().optional(),
  ndc: z.string().optional(),
  /** '5 mg', '5-325 mg', '12 mcg/hr', '10 mg/5 mL' */
  strength: z.string().optional(),
  doseForm: z.string().optional(),
  quantity: z.number().positive().optional(),
  quantityText: z.string().optional(),
  quantityUnit: z.string().optional(),
  sig: z.string().optional(),
  /** Units (tablets, mL, patches) per administration, when the EHR has a structured dose. */
  dose: z.number().positive().optional(),
  dosesPerDay: z.number().positive().optional(),
  durationDays: z.number().positive().optional(),
  daysSupply: z.number().positive().optional(),
  refills: z.number().int().min(0).optional(),
  patientAgeYears: z.number().min(0).optional(),
  setting: Setting.optional(),
  kind: OrderKind.optional(),
  continuousTherapy: z.boolean().optional(),
});
export type Order = z.infer<typeof Order>;
