import type { PagePatient } from '@/lib/messaging/protocol';
import type { Order } from '@/lib/orders/order';
import type { PmpPatient } from '@/lib/pmp/history';

const SEX: Record<string, string> = { male: 'M', female: 'F', other: 'other', unknown: 'unknown' };

/**
 * Who this review is about: the chart's patient and order, and the PMP's own record once it has
 * answered, so the clinician can see the PMP matched the right person.
 */
export function PatientHeader({ patient, order, pmpPatient }: { patient: PagePatient; order: Order; pmpPatient?: PmpPatient | undefined }) {
  const facts = [
    `DOB ${patient.birthDate}`,
    patient.gender ? `Sex ${SEX[patient.gender] ?? patient.gender}` : null,
    patient.mrn ? `MRN ${patient.mrn}` : null,
  ].filter(Boolean);
  return (
    <header className="patient" aria-label="Patient">
      <h1>{patient.name}</h1>
      <p>{facts.join(' · ')}</p>
      <p className="order">
        Order: {order.drugText}
        {order.quantity !== undefined ? ` · #${String(order.quantity)}` : ''}
        {order.sig ? ` · ${order.sig}` : ''}
      </p>
      {pmpPatient && (
        <p className="pmp-record">
          PMP record: {pmpPatient.name} · DOB {pmpPatient.birthDate.slice(0, 10)}
          {pmpPatient.gender ? ` · ${SEX[pmpPatient.gender] ?? pmpPatient.gender}` : ''}
          {pmpPatient.postalCode ? ` · ZIP ${pmpPatient.postalCode}` : ''}
        </p>
      )}
    </header>
  );
}
