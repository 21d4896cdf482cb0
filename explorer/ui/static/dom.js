// Small helpers to build the board's HTML and SVG, and its one tooltip.
export const SVG = 'http://www.w3.org/2000/svg';
export const SUP = n => String(n).split('').map(c => '⁰¹²³⁴⁵⁶⁷⁸⁹'[+c]).join('');
export const el = (tag, css, parent, text) => { const e = document.createElement(tag); if (css) e.style.cssText = css;
  if (text !== undefined) e.textContent = text; if (parent) parent.appendChild(e); return e; };
export const sel = (tag, attrs, parent) => { const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v); if (parent) parent.appendChild(e); return e; };
// A frame writes a text or an attribute only where it changed: each write makes the browser
// style, lay out and paint that element again, and most of a frame's values repeat the last.
export const text = (e, s) => { if (e.__text !== s) { e.textContent = s; e.__text = s; } };
export const attr = (e, k, v) => { const was = e.__attrs || (e.__attrs = {}); if (was[k] !== v) { e.setAttribute(k, v); was[k] = v; } };
// An SVG text in a room `room` px wide: a text longer than the room (at about `perChar` px a
// character) is narrowed to fit it, so that a long number (-0.00059) never runs into the next cell.
export const fitText = (e, s, room, perChar) => {
  text(e, s);
  const narrow = s.length * perChar > room ? `${room}` : null, was = e.__attrs || (e.__attrs = {});
  if (was.textLength === narrow) return;
  if (narrow) { e.setAttribute('textLength', narrow); e.setAttribute('lengthAdjust', 'spacingAndGlyphs'); }
  else e.removeAttribute('textLength');
  was.textLength = narrow;
};
// Our own words (explorer/locales) may hold <sup>, <sub>, <b> and coloured <span>s: kept as
// they are in HTML; in SVG text, as the characters they stand for.
export const plain = html => html.replace(/<sup>(.*?)<\/sup>/g, (_, s) => s.replace(/\d/g, d => SUP(d)).replace('+', '⁺').replace('l', 'ˡ'))
  .replace(/<[^>]+>/g, '').replace(/&amp;/g, '&');
export function showTip(st, ev, text, edge) {
  const tip = st.tip, box = st.root.getBoundingClientRect();
  tip.textContent = text;
  tip.dataset.w = edge || ''; tip.dataset.entry = '';
  tip.style.left = `${ev.clientX - box.left + 12}px`; tip.style.top = `${ev.clientY - box.top + 12}px`; tip.style.display = 'block';
}
export function hideTip(st) { st.tip.style.display = 'none'; }
