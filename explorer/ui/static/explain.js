// A click on a cell of δ, ∂L/∂W, ∂L/∂b, ΔW or Δb: the board's `explain` trigger asks the server
// for its derivation (explorer/ui/explain_panel.py, under the board), which is scrolled into
// view once it shows that cell, if it is not in view already (the board can be taller than the screen).
import {pair} from './notation.js';

const PANEL = '.st-key-explain_panel';
const WAIT = 5000;  // ms: a derivation that has not come by then is not waited for

export function explain(st, {b, ei, ej}) {
  const [i, j] = pair(st.S, ei, ej);  // the core's indices (notation.js); the panel names the cell as shown
  st.trigger('explain', [b.key, i + 1, j + 1]);
  const named = `[${ei + 1}, ${ej + 1}]`, root = document.body;
  const shown = () => {
    const panel = document.querySelector(PANEL);
    if (!panel || !panel.textContent.includes(named)) return false;
    panel.scrollIntoView({block: 'nearest'});
    return true;
  };
  const watch = new MutationObserver(() => { if (shown()) watch.disconnect(); });
  watch.observe(root, {childList: true, subtree: true, characterData: true});
  setTimeout(() => watch.disconnect(), WAIT);
}
