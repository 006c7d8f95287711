import { z } from 'zod';
import { classifyDrug } from '../../drugs/catalogue';
import { parseWith, type Command } from '../result';

const ClassifyLine = z.object({ drug: z.string(), rxcui: z.string().optional(), ndc: z.string().optional() });

export const classify: Command = {
  name: 'classify',
  input: 'json',
  summary: '{drug} → {controlled, schedule, ingredient, drugClass, ...}',
  run: (input) =>
    parseWith(ClassifyLine, input, ({ drug, rxcui, ndc }) => classifyDrug(drug, { ...(rxcui ? { rxcui } : {}), ...(ndc ? { ndc } : {}) })),
};
