// Set one weight by hand (explorer/ui/editing.py): a click on a W or b cell, an edge or a bias
// of the diagram opens a small input at the pointer; Enter sends the board's `edit` trigger
// {l, i, j (1-based), value as typed, bias}, which the server checks; Esc or a click elsewhere
// closes it. While Play runs it only says to pause first.
import {el} from './dom.js';

let sent = 0;  // a trigger's value must change for the same edit sent twice

export function closeEditor(st) {
  if (!st.editor) return;
  st.editor.div.remove();
  document.removeEventListener('pointerdown', st.editor.away, true);
  st.editor = null;
}

function popup(st, ev) {
  closeEditor(st);
  const box = st.root.getBoundingClientRect(), S = st.S;
  const div = el('div', `position:absolute;left:${ev.clientX - box.left + 8}px;top:${ev.clientY - box.top + 8}px;` +
    'z-index:20;background:white;border:1px solid #888;padding:4px 6px;box-shadow:0 2px 6px rgba(0,0,0,.2);' +
    `font-size:${S.present ? 18 : 13}px;white-space:nowrap`, st.root);
  div.className = 'board-editor';
  const away = e => { if (!div.contains(e.target)) closeEditor(st); };
  document.addEventListener('pointerdown', away, true);
  st.editor = {div, away};
  return div;
}

function editorNote(st, ev, text) { popup(st, ev).textContent = text; }  // nothing to type

// The input for W^l[i, j] (or b^l[j]): `name` as the page writes it, `value` now (or null).
export function openEditor(st, ev, {l, i, j, bias, name, value}) {
  const words = st.S.words;
  if (st.playing) { editorNote(st, ev, words.edit_pause); return; }
  const div = popup(st, ev);
  el('span', '', div, `${name} = `);
  const input = el('input', `width:8em;font-size:inherit`, div);
  input.type = 'text'; input.inputMode = 'decimal'; input.className = 'board-edit-value';
  input.setAttribute('aria-label', name);
  input.value = value === null || value === undefined ? '' : String(Number(value.toPrecision(6)));
  el('div', 'font-size:0.8em;color:#666', div, words.edit_hint);
  input.addEventListener('keydown', e => {
    e.stopPropagation();
    if (e.key === 'Enter') { st.trigger('edit', {l, i, j, bias, value: input.value, n: ++sent}); closeEditor(st); }
    else if (e.key === 'Escape') closeEditor(st);
  });
  input.focus(); input.select();
}
