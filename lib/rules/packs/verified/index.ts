import ca from './ca.json';
import ct from './ct.json';
import fl from './fl.json';
import ky from './ky.json';
import ma from './ma.json';
import mi from './mi.json';
import nc from './nc.json';
import nj from './nj.json';
import ny from './ny.json';
import oh from './oh.json';
import ok from './ok.json';
import pa from './pa.json';
import tn from './tn.json';
import tx from './tx.json';
import va from './va.json';

/** Hand-verified packs as JSON, by two-letter code; each overlays that state's PDAPS baseline. */
export const VERIFIED_PACKS: Readonly<Record<string, unknown>> = {
  CA: ca,
  CT: ct,
  FL: fl,
  KY: ky,
  MA: ma,
  MI: mi,
  NC: nc,
  NJ: nj,
  NY: ny,
  OH: oh,
  OK: ok,
  PA: pa,
  TN: tn,
  TX: tx,
  VA: va,
};
