import type { SyntheticPatient } from '../../lib/pmp/synthetic';
import { DEMO_DRUGS } from './catalog';

/** HTML-escapes text for the demo pages. */
export function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => `&#${String(c.charCodeAt(0))};`);
}

function usDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${m ?? ''}/${d ?? ''}/${y ?? ''}`;
}

function age(iso: string, today: Date): number {
  const b = new Date(`${iso}T00:00:00Z`);
  let a = today.getUTCFullYear() - b.getUTCFullYear();
  const m = today.getUTCMonth() - b.getUTCMonth();
  if (m < 0 || (m === 0 && today.getUTCDate() < b.getUTCDate())) a--;
  return a;
}

const CSS = `
body { margin: 0; font: 14px/1.45 Arial, Helvetica, sans-serif; background: #eef2f6; color: #1f2937; }
.topbar { background: #0f3d5e; color: #fff; padding: 8px 16px; display: flex; gap: 24px; align-items: center; }
.topbar a { color: #cde4f6; text-decoration: none; }
.topbar .brand { font-weight: 700; letter-spacing: .02em; }
.topbar #ehr-user { margin-left: auto; }
.topbar .user-name { font-weight: 700; }
#patient-banner { background: #fff; border-bottom: 2px solid #0f3d5e; padding: 8px 16px; display: flex; gap: 28px; flex-wrap: wrap; }
#patient-banner .pt-name { font-weight: 700; font-size: 16px; }
.content { padding: 16px; max-width: 980px; }
.card { background: #fff; border: 1px solid #cbd5e1; border-radius: 4px; padding: 12px 16px; margin-bottom: 16px; }
h1 { font-size: 18px; margin: 0 0 12px; } h2 { font-size: 15px; margin: 0 0 8px; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e2e8f0; }
form#rx-form { display: grid; grid-template-columns: 160px 1fr; gap: 8px 12px; align-items: center; max-width: 680px; }
form#rx-form label { font-weight: 600; }
form#rx-form input, form#rx-form select, form#rx-form textarea { font: inherit; padding: 4px 6px; border: 1px solid #94a3b8; border-radius: 3px; }
.actions { grid-column: 2; display: flex; gap: 8px; }
.btn { background: #0f6cbd; color: #fff; border: 0; border-radius: 3px; padding: 6px 16px; font: inherit; font-weight: 600; cursor: pointer; text-decoration: none; display: inline-block; }
.btn.secondary { background: #e2e8f0; color: #1f2937; }
.muted { color: #64748b; }
`;

/** The demo EHR's signed-in user (synthetic): the prescriber of the demo and the end-to-end tests. */
export const DEMO_EHR_USER = 'Dr. Avery Quill';

export function layout(title: string, body: string, patient?: SyntheticPatient, today = new Date()): string {
  const banner = patient
    ? `<header id="patient-banner" aria-label="Patient banner">
  <span class="pt-name">${esc(patient.family)}, ${esc(patient.given)}</span>
  <span>DOB: <span class="pt-dob">${esc(usDate(patient.birthDate))}</span> (${String(age(patient.birthDate, today))} y)</span>
  <span>Sex: <span class="pt-sex">${patient.gender === 'female' ? 'F' : 'M'}</span></span>
  <span>MRN: <span class="pt-mrn">${esc(patient.mrn)}</span></span>
</header>`
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)} — Demo EHR</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${CSS}</style></head>
<body><nav class="topbar"><span class="brand">Demo EHR</span><a href="/">Schedule</a><span class="muted">Synthetic patients only</span><span id="ehr-user">Signed in as <span class="user-name">${esc(DEMO_EHR_USER)}</span></span></nav>
${banner}<main class="content">${body}</main></body></html>`;
}

export function schedulePage(patients: readonly SyntheticPatient[]): string {
  const rows = patients
    .map(
      (p, i) =>
        `<tr><td>${String(8 + Math.floor(i / 2))}:${i % 2 ? '30' : '00'}</td><td><a href="/patients/${esc(p.id)}">${esc(p.family)}, ${esc(p.given)}</a></td><td>${esc(usDate(p.birthDate))}</td><td>${esc(p.mrn)}</td></tr>`,
    )
    .join('');
  return layout(
    'Schedule',
    `<div class="card"><h1>Today's schedule</h1><table><thead><tr><th>Time</th><th>Patient</th><th>DOB</th><th>MRN</th></tr></thead><tbody>${rows}</tbody></table></div>`,
  );
}

export function chartPage(p: SyntheticPatient): string {
  // The medication list names controlled drugs on purpose: a list is not an order.
  const meds = p.fills
    .slice(-3)
    .map((f) => `<li>${esc(f.drug)} — ${esc(f.quantity)} ${esc(f.quantityUnit ?? '')}, ${esc(f.daysSupply)} days</li>`)
    .join('');
  return layout(
    'Chart',
    `<div class="card"><h1>Chart summary</h1>
<h2>Active medications</h2><ul class="med-list">${meds || '<li class="muted">None recorded</li>'}</ul>
<h2>Allergies</h2><ul class="allergies"><li>Codeine — nausea</li></ul>
<p><a class="btn" id="new-rx" href="/patients/${esc(p.id)}/orders/new">New prescription</a></p></div>`,
    p,
  );
}

export function orderPage(p: SyntheticPatient): string {
  const options = DEMO_DRUGS.map((d) => `<option value="${esc(d.label)}"></option>`).join('');
  const catalog = JSON.stringify(DEMO_DRUGS).replace(/</g, '\\u003c');
  return layout(
    'New prescription',
    `<div class="card"><h1>New prescription</h1>
<form id="rx-form" method="post" action="/patients/${esc(p.id)}/orders" autocomplete="off">
  <label for="drug">Medication</label>
  <input id="drug" name="drug" list="drug-options" placeholder="Search drugs…" required>
  <datalist id="drug-options">${options}</datalist>
  <label for="strength">Strength</label>
  <input id="strength" name="strength">
  <label for="quantity">Quantity</label>
  <span><input id="quantity" name="quantity" inputmode="numeric" size="6">
    <select id="quantity-unit" name="unit"><option>tablet</option><option>capsule</option><option>mL</option><option>patch</option></select></span>
  <label for="sig">Sig / directions</label>
  <textarea id="sig" name="sig" rows="2" cols="40"></textarea>
  <label for="days-supply">Days supply</label>
  <input id="days-supply" name="days_supply" inputmode="numeric" size="4">
  <label for="refills">Refills</label>
  <input id="refills" name="refills" inputmode="numeric" size="3" value="0">
  <label for="long-term">Long-term therapy</label>
  <span><input type="checkbox" id="long-term" name="long_term"> continuing treatment</span>
  <div class="actions"><button class="btn" type="submit" id="sign">Sign</button><a class="btn secondary" href="/patients/${esc(p.id)}">Cancel</a></div>
</form></div>
<script>
  // Picking a drug fills strength and unit by script, as real EHRs do (no input event fires).
  const catalog = ${catalog};
  document.getElementById('drug').addEventListener('change', (e) => {
    const hit = catalog.find((d) => d.label === e.target.value);
    if (!hit) return;
    document.getElementById('strength').value = hit.strength;
    document.getElementById('quantity-unit').value = hit.unit;
  });
</script>`,
    p,
  );
}

export function signedPage(p: SyntheticPatient, order: Record<string, string>): string {
  return layout(
    'Signed',
    `<div class="card"><h1>Prescription signed</h1><p id="signed-summary">${esc(order.drug ?? '')}, #${esc(order.quantity ?? '')}, ${esc(order.sig ?? '')}</p>
<p><a href="/patients/${esc(p.id)}">Back to chart</a></p></div>`,
    p,
  );
}
