import { z } from 'zod';
import { computeDaysSupply } from '../../orders/days-supply';
import { parseWith, type Command } from '../result';

const DaysSupplyLine = z.object({
  sig: z.string().optional(),
  quantity: z.number().positive().optional(),
  quantityText: z.string().optional(),
  quantityUnit: z.string().optional(),
  strength: z.string().optional(),
  daysSupply: z.number().positive().optional(),
  durationDays: z.number().positive().optional(),
});

export const daysSupply: Command = {
  name: 'days-supply',
  input: 'json',
  summary: '{sig, quantity, ...} → {daysSupply, min, max, dosesPerDay, ...}',
  run: (input) => parseWith(DaysSupplyLine, input, (v) => computeDaysSupply(v)),
};
