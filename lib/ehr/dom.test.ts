import { describe, expect, it } from 'vitest';
import { deepQueryAll, frameShown, isShown, openShadowRoots, shownValue, textOf } from './dom';

const el = (sel: string): Element => {
  const e = document.querySelector(sel);
  if (!e) throw new Error(sel);
  return e;
};

describe('reading the page', () => {
  it.each([
    ['<select id="x"><option value="7">q.6h</option></select>', 'q.6h'],
    ['<select id="x"><option value="0" selected></option><option value="2">tablet</option></select>', undefined],
    ['<select id="x"><option value="">-- Select --</option></select>', undefined],
    ['<input id="x" value="  40  tabs ">', '40 tabs'],
    ['<input id="x" type="checkbox" checked>', 'on'],
    ['<input id="x" type="checkbox">', undefined],
    ['<textarea id="x">1 tab\n q6h</textarea>', '1 tab q6h'],
    ['<span id="x">oxyCODONE 5 mg <button>×</button></span>', 'oxyCODONE 5 mg'],
    ['<div id="x"><script>var a = 1</script>text<style>.a{}</style></div>', 'text'],
    ['<input id="x" value="">', undefined],
  ])('%s shows %j', (html, value) => {
    document.body.innerHTML = html;
    expect(shownValue(el('#x'))).toBe(value);
  });

  it('skips our own prompt in page text', () => {
    document.body.innerHTML = '<div id="x">Quantity<pmp-check-prompt>PMP review required</pmp-check-prompt></div>';
    expect(textOf(el('#x'))).toBe('Quantity');
  });

  it.each([
    ['<div id="x">shown</div>', true],
    ['<div hidden><span id="x">in a hidden panel</span></div>', false],
    ['<div style="display:none"><span id="x">hidden tab</span></div>', false],
    ['<div style="visibility:hidden"><span id="x">invisible</span></div>', false],
  ])('%s is shown: %s', (html, shown) => {
    document.body.innerHTML = html;
    expect(isShown(el('#x'))).toBe(shown);
  });

  it('sees through shadow roots: what a hidden host holds is hidden, and queries reach inside', () => {
    document.body.innerHTML = '<div id="host"></div><div id="outer" hidden><div id="host2"></div></div>';
    const r1 = el('#host').attachShadow({ mode: 'open' });
    r1.innerHTML = '<input id="in1"><div id="nested"></div>';
    const nested = r1.querySelector('#nested');
    const r2 = nested?.attachShadow({ mode: 'open' });
    if (r2) r2.innerHTML = '<input id="in2">';
    const r3 = el('#host2').attachShadow({ mode: 'open' });
    r3.innerHTML = '<input id="in3">';
    expect(openShadowRoots(document)).toHaveLength(3);
    expect(deepQueryAll(document, 'input').map((i) => i.id).sort()).toEqual(['in1', 'in2', 'in3']);
    const in3 = r3.querySelector('#in3');
    const in2 = r2?.querySelector('#in2');
    expect(in3 && isShown(in3)).toBe(false);
    expect(in2 && isShown(in2)).toBe(true);
  });

  it('a frame chain is shown only when every frame element up the chain is', () => {
    document.body.innerHTML = '<div id="tab"><div id="frame-stand-in"></div></div>';
    const child = document.implementation.createHTMLDocument('c');
    const view = { doc: child, ancestors: [{ doc: document, frame: el('#frame-stand-in') }] };
    expect(frameShown(view)).toBe(true);
    el('#tab').setAttribute('style', 'display:none');
    expect(frameShown(view)).toBe(false);
    expect(frameShown({ doc: child, ancestors: [] })).toBe(true);
  });
});
