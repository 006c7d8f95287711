/** What the demo EHR's drug search offers: a mix of controlled and ordinary drugs. */
export interface DemoDrug {
  label: string;
  strength: string;
  unit: string;
}

export const DEMO_DRUGS: readonly DemoDrug[] = [
  { label: 'oxycodone 5 mg tablet', strength: '5 mg', unit: 'tablet' },
  { label: 'oxycodone-acetaminophen 5-325 mg tablet', strength: '5-325 mg', unit: 'tablet' },
  { label: 'hydrocodone-acetaminophen 5-325 mg tablet', strength: '5-325 mg', unit: 'tablet' },
  { label: 'tramadol 50 mg tablet', strength: '50 mg', unit: 'tablet' },
  { label: 'acetaminophen-codeine 300-30 mg tablet', strength: '300-30 mg', unit: 'tablet' },
  { label: 'morphine sulfate ER 15 mg tablet', strength: '15 mg', unit: 'tablet' },
  { label: 'alprazolam 0.5 mg tablet', strength: '0.5 mg', unit: 'tablet' },
  { label: 'lorazepam 1 mg tablet', strength: '1 mg', unit: 'tablet' },
  { label: 'zolpidem 10 mg tablet', strength: '10 mg', unit: 'tablet' },
  { label: 'amphetamine-dextroamphetamine 20 mg tablet', strength: '20 mg', unit: 'tablet' },
  { label: 'pregabalin 75 mg capsule', strength: '75 mg', unit: 'capsule' },
  { label: 'amoxicillin 500 mg capsule', strength: '500 mg', unit: 'capsule' },
  { label: 'ibuprofen 600 mg tablet', strength: '600 mg', unit: 'tablet' },
  { label: 'lisinopril 10 mg tablet', strength: '10 mg', unit: 'tablet' },
  { label: 'gabapentin 300 mg capsule', strength: '300 mg', unit: 'capsule' },
];
