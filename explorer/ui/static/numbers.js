// The page's numbers row (explorer/ui/controls.py `numbers`: a <dl class="numbers"> that the
// page's run draws over the Network view). Each frame writes its values in place, so the row
// moves with the board on a Step and in Play without Streamlit drawing it again. A frame whose
// labels differ (a number came or went) lays the row out anew.
import {el, text} from './dom.js';

export function showNumbers(cells) {
  const row = document.querySelector('dl.numbers');
  if (!row || !cells.length) return;
  const shown = [...row.children];
  if (shown.length !== cells.length || shown.some((div, k) => div.firstChild.textContent !== cells[k][0])) {
    row.textContent = '';
    for (const [label, value] of cells) { const div = el('div', '', row); el('dt', '', div, label); el('dd', '', div, value); }
    return;
  }
  shown.forEach((div, k) => text(div.lastChild, cells[k][1]));
}
