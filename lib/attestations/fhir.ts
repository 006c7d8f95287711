import type { LogEntry } from './repository';
import type { Attestation } from './schema';

/** SNOMED CT "PDMP review": the code CDC's opioid CDS (REC 09) looks for. */
export const PDMP_REVIEW = { system: 'http://snomed.info/sct', code: '461621000124108', display: 'PDMP review' } as const;
const HASH_SYSTEM = 'urn:pmp-check:attestation-sha256';
const CHAIN_SYSTEM = 'urn:pmp-check:chain';
const NPI_SYSTEM = 'http://hl7.org/fhir/sid/us-npi';
const DEA_SYSTEM = 'urn:oid:2.16.840.1.113883.4.814';
const PROVENANCE_AGENT = 'http://terminology.hl7.org/CodeSystem/provenance-participant-type';

type Json = Record<string, unknown>;

/** A stable UUID-shaped id from a hash, so the same record always becomes the same resource. */
function uuidFrom(hex: string, salt: string): string {
  const h = `${hex}${salt}`.replace(/[^0-9a-f]/g, '').padEnd(32, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function person(p: { name: string; npi?: string | undefined; dea?: string | undefined }): Json {
  const identifier = [
    ...(p.npi ? [{ system: NPI_SYSTEM, value: p.npi }] : []),
    ...(p.dea ? [{ system: DEA_SYSTEM, value: p.dea }] : []),
  ];
  return { display: p.name, ...(identifier[0] ? { identifier: identifier[0] } : {}) };
}

const NOT_DONE: Partial<Record<Attestation['outcome'], string>> = {
  'pmp-unavailable': 'PMP unavailable',
  exempted: 'Exempt from the PMP review requirement',
  declined: 'Prescriber declined the PMP review',
};

function procedure(e: LogEntry): Json {
  const a = e.record;
  const notDone = NOT_DONE[a.outcome];
  const statusReasonText =
    a.outcome === 'exempted' ? a.exemption?.text : a.outcome === 'declined' ? a.reason : a.outcome === 'pmp-unavailable' ? (a.pmpError ? `PMP unavailable (${a.pmpError})` : 'PMP unavailable') : undefined;
  const performers: Json[] =
    a.reviewer.role === 'delegate'
      ? [
          { function: { text: 'delegate (authorized agent)' }, actor: person(a.reviewer) },
          { function: { text: 'supervising prescriber' }, actor: person(a.prescriber) },
        ]
      : [{ function: { text: a.outcome === 'acknowledged' ? 'prescriber acknowledging a delegate review' : 'prescriber' }, actor: person(a.reviewer) }];
  const notes = [
    a.outcome === 'acknowledged' && a.acknowledges ? `Acknowledges the PMP review by ${a.acknowledges.reviewerName} at ${a.acknowledges.reviewedAt}` : null,
    a.reason && a.outcome !== 'declined' ? a.reason : null,
    `Order: ${[a.order.drug, a.order.schedule, a.order.quantity !== undefined ? `#${String(a.order.quantity)}` : null, a.order.daysSupply ? `${String(a.order.daysSupply)} days` : null].filter(Boolean).join(', ')}`,
    `Rules: ${a.ruleIds.join(', ') || 'none'} (${a.state} pack ${a.packVersion}); PMP: ${a.pmpSource}; EHR: ${a.ehrOrigin}`,
  ].filter((t): t is string => Boolean(t));
  return {
    resourceType: 'Procedure',
    id: a.id,
    identifier: [
      { system: 'urn:ietf:rfc:3986', value: `urn:uuid:${a.id}` },
      { system: HASH_SYSTEM, value: a.hash },
      { system: CHAIN_SYSTEM, value: `${e.chainId}#${String(a.seq)}` },
    ],
    status: notDone ? 'not-done' : 'completed',
    ...(notDone ? { statusReason: { text: statusReasonText ?? notDone } } : {}),
    code: { coding: [PDMP_REVIEW], text: 'PDMP review' },
    subject: {
      ...(a.patient.mrn ? { identifier: { system: `urn:pmp-check:mrn:${a.ehrOrigin}`, value: a.patient.mrn } } : {}),
      display: [a.patient.initials, a.patient.birthDate ? `DOB ${a.patient.birthDate}` : null].filter(Boolean).join(' ') || 'patient',
    },
    performedDateTime: a.pmpQueriedAt ?? a.createdAt,
    recorder: person(a.reviewer),
    asserter: person(a.reviewer),
    performer: performers,
    ...(a.ruleIds.length ? { reasonCode: a.ruleIds.map((r) => ({ text: r })) } : {}),
    ...(a.followUpDueAt ? { followUp: [{ text: `PMP review due again by ${a.followUpDueAt}` }] } : {}),
    note: notes.map((text) => ({ text })),
  };
}

function provenance(e: LogEntry, procedureId: string): Json {
  const a = e.record;
  const author = {
    type: { coding: [{ system: PROVENANCE_AGENT, code: a.reviewer.role === 'delegate' ? 'performer' : 'author' }] },
    who: person(a.reviewer),
    ...(a.reviewer.role === 'delegate' ? { onBehalfOf: person(a.prescriber) } : {}),
  };
  return {
    resourceType: 'Provenance',
    id: uuidFrom(a.hash, 'p'),
    target: [{ reference: `urn:uuid:${procedureId}` }],
    recorded: a.createdAt,
    agent: [author],
    entity: [
      {
        role: 'source',
        what: { identifier: { system: HASH_SYSTEM, value: a.hash }, display: `record ${String(a.seq)} of chain ${e.chainId}; previous hash ${a.prevHash}` },
      },
    ],
  };
}

/**
 * The log as a FHIR R4 Bundle (collection): one Procedure coded SNOMED 461621000124108 "PDMP
 * review" per record — completed, or not-done with the reason (PMP unavailable, exemption,
 * declined) — each with a Provenance naming who reviewed, for whom, and the record's hash.
 */
export function toFhirBundle(entries: readonly LogEntry[], now: Date): Json {
  const resources = entries.flatMap((e) => {
    const p = procedure(e);
    return [
      { fullUrl: `urn:uuid:${e.record.id}`, resource: p },
      { fullUrl: `urn:uuid:${uuidFrom(e.record.hash, 'p')}`, resource: provenance(e, e.record.id) },
    ];
  });
  return { resourceType: 'Bundle', type: 'collection', timestamp: now.toISOString(), entry: resources };
}
