import { StatePack } from '../pack';

/**
 * Connecticut, CGS 21a-254(j) as added by PA 15-198 and amended by PA 16-43.
 * Sources: ../shared/DOMAIN.md (Connecticut section).
 */
export const CT_PACK: StatePack = StatePack.parse({
  state: 'CT',
  name: 'Connecticut',
  version: '2016.1',
  verified: true,
  sources: ['CGS 21a-254(j) (PA 15-198, PA 16-43)', 'CT DCP CPMRS guidance'],
  pmpDownFollowUpHours: 24,
  administrationExempt: true,
  rules: [
    {
      id: 'ct-72h-supply',
      type: 'supply-over',
      title: 'more than a 72-hour supply',
      schedules: ['CII', 'CIII', 'CIV', 'CV'],
      hours: 72,
      reviewValidHours: 24,
      citation: { statute: 'CGS 21a-254(j)(1)', effective: '2015-10-01' },
      verified: true,
    },
    {
      id: 'ct-90-day-continuous',
      type: 'periodic-review',
      title: 'a review at least every 90 days during continuous or prolonged treatment',
      schedules: ['CII', 'CIII', 'CIV'],
      intervalDays: 90,
      citation: { statute: 'CGS 21a-254(j)(2)', effective: '2015-10-01' },
      verified: true,
    },
    {
      id: 'ct-annual-schedule-v',
      type: 'periodic-review',
      title: 'an annual review for Schedule V continuous treatment',
      schedules: ['CV'],
      intervalDays: 365,
      citation: { statute: 'CGS 21a-254(j)(2) as amended by PA 16-43', effective: '2016-07-01' },
      verified: true,
    },
  ],
});
