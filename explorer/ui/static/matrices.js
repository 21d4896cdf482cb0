// The packed heatmap of every matrix: one Plotly heatmap of all of them, titles, indices, colour
// bars and cell numbers in an SVG over it, drawn once; a frame restyles z and writes the numbers.
import {CONFIG} from './plotly.js';
import {fmt} from './colours.js';
import {SUP, sel, plain, showTip, hideTip, text, attr, fitText} from './dom.js';
import {openEditor} from './editor.js';
import {explain} from './explain.js';
import {isColumn, pair} from './notation.js';

export const FAMILY = {W: ['W', 'b', 'W', 'b'], dW: ['dW', 'db', '∂L/∂W', '∂L/∂b'], update: ['DW', 'Db', 'ΔW', 'Δb']};
// Each layer is a band of blocks that share the neurons of layer l+1: in the row notation their
// columns (Wˡ m×n with bˡ 1×n under it, δˡ⁺¹ B×n), in the column notation their rows (Wˡ n×m with
// bˡ n×1 beside it, δˡ⁺¹ n×B). The payload sends every matrix as it is shown (figures/board.py).
const blocksOf = (sizes, batch, panels, most, {rows: TEXT_ROWS, cells: TEXT_CELLS}, column) => {
  const shown = (m, n) => { const fi = Math.ceil(m / most), fj = Math.ceil(n / most);
    return {rows: Math.ceil(m / fi), cols: Math.ceil(n / fj), fi, fj}; };
  const blocks = [], families = ['W', ...panels], as = (m, n) => column ? [n, m] : [m, n];
  let row = 1, cols = 0;
  for (let l = 1; l < sizes.length; l++) {
    const [wm, wn] = as(sizes[l - 1], sizes[l]), [bm, bn] = as(1, sizes[l]), [dm, dn] = as(batch, sizes[l]);
    const w = shown(wm, wn), d = shown(dm, dn), rw = shown(sizes[l - 1], sizes[l]);  // rw: Wˡ in rows
    // numbers in the cells in the same cases in either notation: by the row notation's shapes
    const per = families.length + 1, text = rw.rows <= TEXT_ROWS && rw.cols * per <= TEXT_CELLS;
    let c = 0;
    for (const f of families) {
      const [top, bottom, name, bname] = FAMILY[f], edge = c + w.cols + (column ? 2 : 0);  // the colour bar after it
      blocks.push({key: `${top}${l}`, family: f, l, name: `${name}${SUP(l)}`, r: row, c, m: wm, n: wn, ...w, text, bar: true, edge});
      blocks.push({key: `${bottom}${l}`, family: f, l, name: `${bname}${SUP(l)}`, r: column ? row : row + w.rows + 1,
        c: column ? c + w.cols + 1 : c, m: bm, n: bn, ...shown(bm, bn), text, bias: true});
      c = edge + 3;
    }
    blocks.push({key: `delta${l + 1}`, family: 'delta', l, name: `δ${SUP(l + 1)}`, r: row, c, m: dm, n: dn, ...d,
      text: text && shown(batch, 1).rows <= TEXT_ROWS, bar: true, delta: true, edge: c + d.cols});
    c += d.cols + 3;
    cols = Math.max(cols, c - 3);
    row += column ? Math.max(w.rows, d.rows) + 3 : Math.max(w.rows + 2, d.rows) + 2;
  }
  return {blocks, rows: row - 2, cols};
};

export async function buildNetwork(st, div, S, P) {
  const column = isColumn(S), L = blocksOf(S.sizes, S.batch, S.panels, S.shown_cells, S.text, column);
  const font = S.present ? 16 : 11, title = S.present ? 18 : 13;
  // W¹'s rows (its columns in the column notation) are the inputs: named, not numbered; in the row
  // notation the left margin widens to fit the longest name
  const inputs = S.inputs && S.inputs.length === S.sizes[0] ? S.inputs.map(n => n.length > 9 ? `${n.slice(0, 8)}…` : n) : null;
  const named = inputs && !column ? Math.ceil(Math.max(...inputs.map(n => n.length)) * font * 0.55) + 6 : 0;
  const width = Math.max(320, st.width), margin = {l: Math.min(90, Math.max(28, named)), r: 8, t: 22, b: 16};
  const cell = Math.max(3, Math.min(S.present ? 48 : 34, Math.floor((width - margin.l - margin.r) / (L.cols + 1))));
  const rowH = Math.max(3, Math.min(S.present ? 30 : 24, cell));
  const plotW = cell * L.cols, plotH = rowH * L.rows, height = plotH + margin.t + margin.b;
  div.style.cssText = `position:relative;margin-top:8px;width:${plotW + margin.l + margin.r}px;height:${height}px`;
  const z = Array.from({length: L.rows}, () => new Array(L.cols).fill(null));
  await P.newPlot(div, [{type: 'heatmap', z, zmin: -1, zmax: 1, colorscale: S.colours.diverging, showscale: false,
    hoverinfo: 'none', xgap: 0, ygap: 0}],
  {width: plotW + margin.l + margin.r, height, margin: {...margin, pad: 0}, template: st.template, showlegend: false,
    plot_bgcolor: 'rgba(0,0,0,0)', paper_bgcolor: 'rgba(0,0,0,0)', dragmode: false,
    xaxis: {visible: false, range: [-0.5, L.cols - 0.5], fixedrange: true},
    yaxis: {visible: false, range: [L.rows - 0.5, -0.5], fixedrange: true}}, CONFIG);
  const X = c => margin.l + (c + 0.5) * cell, Y = r => margin.t + (r + 0.5) * rowH;
  const svg = sel('svg', {width: plotW + margin.l + margin.r, height, class: 'board-overlay'}, div);
  svg.style.cssText = 'position:absolute;left:0;top:0;pointer-events:none;overflow:visible';
  // a cell's number: at most the cell's width less a margin, at about 0.55 em a character (digits, sign, point)
  const net = st.net = {L, z, cell, rowH, X, Y, svg, texts: [], bars: {}, outlines: [], room: cell - 6, perChar: font * 0.55,
    margin};
  const defs = sel('defs', {}, svg), grad = sel('linearGradient', {id: `${st.id}-scale`, x1: 0, y1: 1, x2: 0, y2: 0}, defs);
  for (const [pos, colour] of S.colours.diverging) sel('stop', {offset: pos, 'stop-color': colour}, grad);
  for (const b of L.blocks) {
    const x0 = X(b.c - 0.5), y0 = Y(b.r - 0.5), x1 = X(b.c + b.cols - 0.5), y1 = Y(b.r + b.rows - 0.5);
    const under = (j, label) => { const e = sel('text', {x: X(b.c + j), y: y1 + font + 1, 'text-anchor': 'middle',
      'font-size': font, fill: '#666'}, svg); e.textContent = label; return e; };
    if (!b.bias) sel('text', {x: x0, y: y0 - 4, 'font-size': title, 'font-weight': 600}, svg).textContent =
      b.delta ? plain(S.words.delta.replace('{l}', b.l + 1)) : b.name;
    else if (column) under(0, b.name);  // bˡ beside Wˡ: its name under it
    else sel('text', {x: x0 - 3, y: Y(b.r) + font / 3, 'text-anchor': 'end', 'font-size': font, fill: '#444'}, svg).textContent = b.name;
    const first = inputs && b.l === 1 && !b.bias && !b.delta;  // a block of W¹'s shape: the inputs index it
    if (b.key.startsWith('W') || b.delta) for (let i = 0; i < b.rows; i++)  // row indices (1-based)
      if (b.rows <= 16 || i % Math.ceil(b.rows / 8) === 0)
        sel('text', {x: x0 - 3, y: Y(b.r + i) + font / 3, 'text-anchor': 'end', 'font-size': font, fill: '#666'}, svg)
          .textContent = first && !column ? inputs[i * b.fi] : i * b.fi + 1;
    if (column ? b.bar : b.bias || b.delta) for (let j = 0; j < b.cols; j++)  // column indices: under b and δ, or under W and δ
      if (b.cols <= 16 || j % Math.ceil(b.cols / 8) === 0) {
        if (first && column) fitText(under(j, ''), inputs[j * b.fj], cell - 2, net.perChar);
        else under(j, j * b.fj + 1);
      }
    if (b.rows * b.cols <= S.text.gaps) {  // a thin white grid between the cells of small matrices
      let d = '';
      for (let i = 1; i < b.rows; i++) d += `M${x0},${Y(b.r + i - 0.5)}H${x1}`;
      for (let j = 1; j < b.cols; j++) d += `M${X(b.c + j - 0.5)},${y0}V${y1}`;
      if (d) sel('path', {d, stroke: 'white', 'stroke-width': 1}, svg);
    }
    if (b.bar) {  // the colour bar: beside the block (and its b), ±zmax at its ends
      const bottom = y1, xb = X(b.edge - 0.5);  // W's range (b has one of its own)
      sel('rect', {x: xb + 3, y: y0, width: 6, height: bottom - y0, fill: `url(#${st.id}-scale)`}, svg);
      const top = sel('text', {x: xb + 10, y: y0 + font * 0.8, 'font-size': font * 0.9, fill: '#444'}, svg);
      const low = sel('text', {x: xb + 10, y: bottom, 'font-size': font * 0.9, fill: '#444'}, svg);
      net.bars[b.key] = {top, low};
    }
    if (b.text) for (let i = 0; i < b.rows; i++) for (let j = 0; j < b.cols; j++)
      net.texts.push({t: sel('text', {x: X(b.c + j), y: Y(b.r + i) + font / 3, 'text-anchor': 'middle', 'font-size': font}, svg), b, i, j});
  }
  div.addEventListener('pointermove', ev => hoverNetwork(st, div, ev));  // fractional: the entry within a coarse cell
  div.addEventListener('mouseleave', () => hideTip(st));
  div.addEventListener('click', ev => clickNetwork(st, div, ev));
}

function blockAt(st, x, y) {  // the block, its cell (i, j) and the pointer's place in it (fractions fy, fx)
  const {L, cell, rowH, margin} = st.net, c = (x - margin.l) / cell, r = (y - margin.t) / rowH, ci = Math.floor(c), ri = Math.floor(r);
  for (const b of L.blocks) if (ri >= b.r && ri < b.r + b.rows && ci >= b.c && ci < b.c + b.cols)
    return {b, i: ri - b.r, j: ci - b.c, fy: r - ri, fx: c - ci};
  return null;
}
// A click on a cell goes to its family's handler, given the exact entry (ei, ej) under the pointer
// and the click (W and b: a hand edit at the pointer, editor.js; the others: their derivation, explain.js).
export const CLICK = {};
// The handlers tell the server the core's (row notation) 1-based indices; the editor's name is as shown.
const edit = (st, {b, ei, ej}, ev) => {
  const M = st.frame.f[b.key], value = b.fi === 1 && b.fj === 1 ? M.a[ei * M.shape[1] + ej] : st.exact && st.exact.get(`${b.key},${ei},${ej}`);
  const [i, j] = pair(st.S, ei, ej);
  openEditor(st, ev, {l: b.l, i: i + 1, j: j + 1, bias: !!b.bias, name: `${b.name}[${ei + 1}, ${ej + 1}]`, value});
};
Object.assign(CLICK, {delta: explain, dW: explain, update: explain, W: edit});
function clickNetwork(st, div, ev) {
  const box = div.getBoundingClientRect(), hit = st.frame && blockAt(st, ev.clientX - box.left, ev.clientY - box.top);
  if (!hit || !st.frame.f[hit.b.key] || !CLICK[hit.b.family]) return;
  const {b, i, j, fy, fx} = hit;
  CLICK[b.family](st, {...hit, ei: entry(i, b.fi, b.m, fy), ej: entry(j, b.fj, b.n, fx)}, ev);
}
// A coarse cell stands for a block of fi × fj entries: the pointer's place in the cell picks one,
// and its exact value is asked of the server once the pointer rests on it (the board's `peek`
// trigger, answered in the next payload: `takeExact`); never while Play runs.
const REST = 250;  // ms on one entry before it is asked for
// W¹'s rows (its columns in the column notation) are the inputs: a hover on W¹ names its input too.
const input = (S, b, i, j) => b.key === 'W1' && S.inputs && S.inputs.length ? ` (${S.inputs[isColumn(S) ? j : i]})` : '';
function hoverNetwork(st, div, ev) {
  const box = div.getBoundingClientRect(), x = ev.clientX - box.left, y = ev.clientY - box.top;
  const hit = st.frame && blockAt(st, x, y), M = hit && st.frame.f[hit.b.key];
  div.style.cursor = M && CLICK[hit.b.family] ? 'pointer' : '';
  if (!M) { hideTip(st); return; }
  const {b, i, j} = hit, v = M.a[i * M.shape[1] + j];
  if (b.fi === 1 && b.fj === 1) { showTip(st, ev, `${b.name}[${i + 1}, ${j + 1}] = ${fmt(v, 6)}${input(st.S, b, i, j)}`); return; }
  if (st.playing) {  // the block and its strongest entry, as drawn
    showTip(st, ev, `${b.name}[${i * b.fi + 1}–${Math.min(b.m, (i + 1) * b.fi)}, ${j * b.fj + 1}–${Math.min(b.n, (j + 1) * b.fj)}] ≈ max |·| = ${fmt(v, 6)}`);
    return;
  }
  const ei = entry(i, b.fi, b.m, hit.fy), ej = entry(j, b.fj, b.n, hit.fx), id = `${b.key},${ei},${ej}`;
  const exact = st.exact && st.exact.get(id);
  showTip(st, ev, `${b.name}[${ei + 1}, ${ej + 1}] = ${exact === undefined ? '…' : fmt(exact, 6)}${input(st.S, b, ei, ej)}`);
  st.tip.dataset.entry = id;
  if (exact === undefined && st.peekWant !== id) {
    st.peekWant = id;
    clearTimeout(st.peekTimer);
    st.peekTimer = setTimeout(() => {
      if (st.playing || st.tip.dataset.entry !== id || st.tip.style.display === 'none') return;
      st.peekId = (st.peekId || 0) + 1;
      st.trigger('peek', {id: st.peekId, key: b.key, i: ei, j: ej});
    }, REST);
  }
}
function entry(k, f, size, frac) {  // which of the (at most f) entries of cell k the fraction frac points at
  const count = Math.min(size, (k + 1) * f) - k * f;
  return k * f + Math.min(count - 1, Math.floor(frac * count));
}
// The server's answer to a peek, for the frame shown: kept until the next frame, shown if the
// pointer is still on that entry (an answer for another entry never shows).
export function takeExact(st, answer) {
  if (!answer || !st.net) return;
  const id = `${answer.key},${answer.i},${answer.j}`;
  st.exact.set(id, answer.v);
  if (st.peekWant === id) st.peekWant = null;
  if (st.tip.dataset.entry === id && st.tip.style.display !== 'none')
    st.tip.textContent = st.tip.textContent.replace('= …', `= ${fmt(answer.v, 6)}`);
}

export function drawNetwork(st, F, P) {
  const {L, z, texts, bars, room, perChar} = st.net, S = st.S, f = F.f, ranges = F.head.ranges;
  st.exact = new Map(); st.peekWant = null;  // exact entries are of one frame
  for (const b of L.blocks) {
    const M = f[b.key], zmax = ranges[b.key];  // b, ∂L/∂b, Δb: ranges of their own
    b.zmax = zmax;
    for (let i = 0; i < b.rows; i++) { const row = z[b.r + i];
      for (let j = 0; j < b.cols; j++) row[b.c + j] = M ? Math.max(-1, Math.min(1, M.a[i * M.shape[1] + j] / zmax)) : null; }
  }
  // Plotly first: it reads the page's layout, which the writes below would have it compute again.
  const drawn = P.restyle(st.parts.network, {z: [z.map(r => r.slice())]}, [0]);
  for (const b of L.blocks) if (bars[b.key]) {
    const M = f[b.key];
    text(bars[b.key].top, M ? fmt(b.zmax, 2) : ''); text(bars[b.key].low, M ? fmt(-b.zmax, 2) : '');
  }
  for (const {t, b, i, j} of texts) {
    const M = f[b.key];
    if (!M) { text(t, ''); continue; }
    const v = M.a[i * M.shape[1] + j];
    fitText(t, fmt(v, 2), room, perChar); attr(t, 'fill', Math.abs(v) > 0.6 * b.zmax ? 'white' : '#222');
  }
  // the picked weight: its cell in W^l and in the gradient panels beside it
  st.net.outlines.forEach(o => o.remove()); st.net.outlines = [];
  const pick = F.head.pick;
  if (pick) for (const b of L.blocks) if (b.l === pick[0] && b.bar && !b.delta && f[b.key]) {
    const [pi, pj] = pair(S, pick[1], pick[2]);  // pick: the core's Wˡ[i, j]
    const i = Math.floor((pi - 1) / b.fi), j = Math.floor((pj - 1) / b.fj), X = st.net.X, Y = st.net.Y;
    st.net.outlines.push(sel('rect', {x: X(b.c + j - 0.5), y: Y(b.r + i - 0.5), width: st.net.cell, height: st.net.rowH,
      fill: 'none', stroke: S.colours.highlight, 'stroke-width': 3, class: 'picked'}, st.net.svg));
  }
  const ex = F.head.explain, eb = ex && L.blocks.find(b => b.key === ex[0]);  // the cell whose derivation is open
  if (eb && f[eb.key]) {
    const [ei, ej] = pair(S, ex[1], ex[2]);  // the core's indices, as the click sent them
    const i = Math.floor((ei - 1) / eb.fi), j = Math.floor((ej - 1) / eb.fj), X = st.net.X, Y = st.net.Y;
    st.net.outlines.push(sel('rect', {x: X(eb.c + j - 0.5), y: Y(eb.r + i - 0.5), width: st.net.cell, height: st.net.rowH,
      fill: 'none', stroke: '#111', 'stroke-width': 3, 'stroke-dasharray': '4 2', class: 'explained'}, st.net.svg));
  }
  return drawn;
}

