import { z } from 'zod';
import { classifyDrug } from '../../drugs/catalogue';
import { parseWith, type Command } from '../result';

const ClassifyLine = z.object({ drug: z.string(), rxcui: z.string().optional(), ndc: z.string().optional() });

export const classify: Command = {
  name: 'classify',
  input: 'json',
  summary: '{drug} → {controlled, schedule, ingredient, class, ...}',
  run: (input) =>
    parseWith(ClassifyLine, input, ({ drug, rxcui, ndc }) => {
      const c = classifyDrug(drug, { ...(rxcui ? { rxcui } : {}), ...(ndc ? { ndc } : {}) });
      // `class` is the name scripts use; `drugClass` stays for the app's own schema.
      return { ...c, class: c.drugClass ?? null };
    }),
};
