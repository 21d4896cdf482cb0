// The board (explorer/ui/board.py): the Network view as one live component. Streamlit calls the
// default export on every run with a payload (explorer/figures/board.py): the structure when it
// changed, then one frame (a Step) or several (Play). What never changes is built once (axes,
// titles, indices, data points, the diagram's edges); a frame changes values in place: one
// restyle of the packed heatmap of every matrix, the loss line, the regions' canvas, the
// diagram's colours. The root's `data-step` is set once every part shows that frame.
const PLOTLY = 'component/explorer.ui.canvas.plotly/';  // served by explorer/ui/canvas.py
const CONFIG = {displayModeBar: false, responsive: false, staticPlot: false};
const SVG = 'http://www.w3.org/2000/svg';
const G = window.__board = window.__board || {roots: new Map(), frames: [], requests: 0};
const SUP = n => String(n).split('').map(c => '⁰¹²³⁴⁵⁶⁷⁸⁹'[+c]).join('');

function load(path) { return new URL(PLOTLY + path, document.baseURI).href; }
function plotly() {
  G.plotly = G.plotly || Promise.all([
    window.Plotly || new Promise((resolve, reject) => {
      const s = Object.assign(document.createElement('script'), {src: load('plotly.min.js')});
      s.onload = () => resolve(window.Plotly);
      s.onerror = () => { G.plotly = null; reject(new Error('plotly.js did not load')); };
      document.head.appendChild(s);
    }),
    fetch(load('templates/plotly.json')).then(r => r.json()).catch(() => undefined),
  ]);
  return G.plotly;
}

// -- the payload ---------------------------------------------------------------------------------
const TYPES = {f8: Float64Array, f4: Float32Array, i4: Int32Array, u1: Uint8Array, u2: Uint16Array};
export function unpack(data) {
  const u8 = data instanceof Uint8Array ? data : new Uint8Array(data);
  const n = new DataView(u8.buffer, u8.byteOffset, 4).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(u8.subarray(4, 4 + n)));
  const bin = u8.slice(4 + n).buffer;  // a copy at offset 0: aligned typed-array views
  const arrays = {};
  for (const [name, dtype, shape, offset] of header.arrays) {
    const count = shape.reduce((a, b) => a * b, 1);
    arrays[name] = {a: new TYPES[dtype](bin, offset, count), shape};
  }
  return {header, arrays};
}
function frameArrays(arrays, k) {
  const prefix = `f${k}.`, f = {};
  for (const [name, v] of Object.entries(arrays)) if (name.startsWith(prefix)) f[name.slice(prefix.length)] = v;
  return f;
}

// -- colours: the same value gives the same colour as explorer/figures (tests compare them) ------
function hex(c) { return [1, 3, 5].map(i => parseInt(c.substr(i, 2), 16)); }
// Plotly's heatmap colour of u in [0, 1] on a [[position, '#rrggbb'], ...] scale (linear in RGB).
export function mix(scale, u) {
  u = Math.max(0, Math.min(1, u));
  for (let k = 1; k < scale.length; k++) if (u <= scale[k][0]) {
    const [a, ca] = scale[k - 1], [b, cb] = scale[k], s = (u - a) / (b - a || 1), x = hex(ca), y = hex(cb);
    return `rgb(${[0, 1, 2].map(i => Math.round(x[i] + (y[i] - x[i]) * s)).join(', ')})`;
  }
  const last = hex(scale[scale.length - 1][1]);
  return `rgb(${last.join(', ')})`;
}
// An edge's colour and width in the diagram: |value| / zmax in quarters, by sign (diagram.py).
export function edgeStyle(colours, v, zmax) {
  const k = Math.min(Math.floor(Math.abs(v) / zmax * colours.positive.length), colours.positive.length - 1);
  return {colour: (v >= 0 ? colours.positive : colours.negative)[Math.max(0, k)], width: 0.8 + 1.4 * Math.max(0, k)};
}
// Plotly's "%{z:.2~g}" and ".6g": two or six significant digits, no trailing zeros.
export function fmt(v, digits) {
  if (!isFinite(v)) return String(v);
  if (v === 0) return '0';
  const e = Math.floor(Math.log10(Math.abs(v)));
  if (e < -4 || e >= digits) return v.toExponential(digits - 1).replace(/\.?0+e/, 'e').replace('e+', 'e+').replace(/e([+-])(\d)$/, 'e$10$2');
  return String(Number(v.toPrecision(digits)));
}
const el = (tag, css, parent, text) => { const e = document.createElement(tag); if (css) e.style.cssText = css;
  if (text !== undefined) e.textContent = text; if (parent) parent.appendChild(e); return e; };
const sel = (tag, attrs, parent) => { const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v); if (parent) parent.appendChild(e); return e; };
// Our own words (explorer/locales) may hold <sup>, <sub>, <b> and coloured <span>s: kept as
// they are in HTML; in SVG text, as the characters they stand for.
const plain = html => html.replace(/<sup>(.*?)<\/sup>/g, (_, s) => s.replace(/\d/g, d => SUP(d)).replace('+', '⁺').replace('l', 'ˡ'))
  .replace(/<[^>]+>/g, '').replace(/&amp;/g, '&');

// -- the packed heatmap of every matrix ------------------------------------------------------------
const FAMILY = {W: ['W', 'b', 'W', 'b'], dW: ['dW', 'db', '∂L/∂W', '∂L/∂b'], update: ['DW', 'Db', 'ΔW', 'Δb']};
const blocksOf = (sizes, batch, panels, most, {rows: TEXT_ROWS, cells: TEXT_CELLS}) => {
  const shown = (m, n) => { const fi = Math.ceil(m / most), fj = Math.ceil(n / most);
    return {rows: Math.ceil(m / fi), cols: Math.ceil(n / fj), fi, fj}; };
  const blocks = [], families = ['W', ...panels];
  let row = 1, cols = 0;
  for (let l = 1; l < sizes.length; l++) {
    const m = sizes[l - 1], n = sizes[l], w = shown(m, n), d = shown(batch, n);
    const per = families.length + 1, text = w.rows <= TEXT_ROWS && w.cols * per <= TEXT_CELLS;
    let c = 0;
    for (const f of families) {
      const [top, bottom, name, bname] = FAMILY[f];
      blocks.push({key: `${top}${l}`, family: f, l, name: `${name}${SUP(l)}`, r: row, c, m, n, ...w, text, bar: true});
      blocks.push({key: `${bottom}${l}`, family: f, l, name: `${bname}${SUP(l)}`, r: row + w.rows + 1, c, m: 1, n,
        ...shown(1, n), text, bias: true});
      c += w.cols + 3;
    }
    blocks.push({key: `delta${l + 1}`, family: 'delta', l, name: `δ${SUP(l + 1)}`, r: row, c, m: batch, n, ...d,
      text: text && d.rows <= TEXT_ROWS, bar: true, delta: true});
    c += w.cols + 3;
    cols = Math.max(cols, c - 3);
    row += Math.max(w.rows + 2, d.rows) + 2;
  }
  return {blocks, rows: row - 2, cols};
};

async function buildNetwork(st, div, S, P) {
  const L = blocksOf(S.sizes, S.batch, S.panels, S.shown_cells, S.text);
  const width = Math.max(320, st.width), margin = {l: 28, r: 8, t: 22, b: 16};
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
  const font = S.present ? 16 : 11, title = S.present ? 18 : 13;
  const net = st.net = {L, z, cell, rowH, X, Y, svg, texts: [], bars: {}, outlines: []};
  const defs = sel('defs', {}, svg), grad = sel('linearGradient', {id: `${st.id}-scale`, x1: 0, y1: 1, x2: 0, y2: 0}, defs);
  for (const [pos, colour] of S.colours.diverging) sel('stop', {offset: pos, 'stop-color': colour}, grad);
  for (const b of L.blocks) {
    const x0 = X(b.c - 0.5), y0 = Y(b.r - 0.5), x1 = X(b.c + b.cols - 0.5), y1 = Y(b.r + b.rows - 0.5);
    if (!b.bias) sel('text', {x: x0, y: y0 - 4, 'font-size': title, 'font-weight': 600}, svg).textContent =
      b.delta ? plain(S.words.delta.replace('{l}', b.l + 1)) : b.name;
    else sel('text', {x: x0 - 3, y: Y(b.r) + font / 3, 'text-anchor': 'end', 'font-size': font, fill: '#444'}, svg).textContent = b.name;
    if (b.key.startsWith('W') || b.delta) for (let i = 0; i < b.rows; i++)  // row indices i (1-based)
      if (b.rows <= 16 || i % Math.ceil(b.rows / 8) === 0)
        sel('text', {x: x0 - 3, y: Y(b.r + i) + font / 3, 'text-anchor': 'end', 'font-size': font, fill: '#666'}, svg)
          .textContent = b.fi > 1 ? `${i * b.fi + 1}` : i + 1;
    if (b.bias || b.delta) for (let j = 0; j < b.cols; j++)  // column indices j under b and δ
      if (b.cols <= 16 || j % Math.ceil(b.cols / 8) === 0)
        sel('text', {x: X(b.c + j), y: y1 + font + 1, 'text-anchor': 'middle', 'font-size': font, fill: '#666'}, svg)
          .textContent = b.fj > 1 ? `${j * b.fj + 1}` : j + 1;
    if (b.rows * b.cols <= S.text.gaps) {  // a thin white grid between the cells of small matrices
      let d = '';
      for (let i = 1; i < b.rows; i++) d += `M${x0},${Y(b.r + i - 0.5)}H${x1}`;
      for (let j = 1; j < b.cols; j++) d += `M${X(b.c + j - 0.5)},${y0}V${y1}`;
      if (d) sel('path', {d, stroke: 'white', 'stroke-width': 1}, svg);
    }
    if (b.bar) {  // the colour bar: beside the block (and its b), ±zmax at its ends
      const bottom = y1;  // W's range (b has one of its own)
      sel('rect', {x: x1 + 3, y: y0, width: 6, height: bottom - y0, fill: `url(#${st.id}-scale)`}, svg);
      const top = sel('text', {x: x1 + 10, y: y0 + font * 0.8, 'font-size': font * 0.9, fill: '#444'}, svg);
      const low = sel('text', {x: x1 + 10, y: bottom, 'font-size': font * 0.9, fill: '#444'}, svg);
      net.bars[b.key] = {top, low};
    }
    if (b.text) for (let i = 0; i < b.rows; i++) for (let j = 0; j < b.cols; j++)
      net.texts.push({t: sel('text', {x: X(b.c + j), y: Y(b.r + i) + font / 3, 'text-anchor': 'middle', 'font-size': font}, svg), b, i, j});
  }
  div.addEventListener('mousemove', ev => hoverNetwork(st, div, ev));
  div.addEventListener('mouseleave', () => hideTip(st));
}

function blockAt(st, x, y) {
  const {L, cell, rowH} = st.net, c = Math.floor((x - 28) / cell), r = Math.floor((y - 22) / rowH);
  for (const b of L.blocks) if (r >= b.r && r < b.r + b.rows && c >= b.c && c < b.c + b.cols) return {b, i: r - b.r, j: c - b.c};
  return null;
}
function cellText(b, i, j, v) {  // the hover label of cell (i, j) of a block (0-based), 1-based as the heatmaps
  const rows = b.fi > 1 ? `${i * b.fi + 1}–${Math.min(b.m, (i + 1) * b.fi)}` : `${i + 1}`;
  const cols = b.fj > 1 ? `${j * b.fj + 1}–${Math.min(b.n, (j + 1) * b.fj)}` : `${j + 1}`;
  return `${b.name}[${rows}, ${cols}] ${b.fi > 1 || b.fj > 1 ? '≈ max |·|' : '='} ${fmt(v, 6)}`;
}
function hoverNetwork(st, div, ev) {
  const box = div.getBoundingClientRect(), x = ev.clientX - box.left, y = ev.clientY - box.top;
  const hit = st.frame && blockAt(st, x, y), M = hit && st.frame.f[hit.b.key];
  if (!M) { hideTip(st); return; }
  showTip(st, ev, cellText(hit.b, hit.i, hit.j, M.a[hit.i * M.shape[1] + hit.j]));
}

function drawNetwork(st, F, P) {
  const {L, z, texts, bars} = st.net, S = st.S, f = F.f, ranges = F.head.ranges;
  for (const b of L.blocks) {
    const M = f[b.key], zmax = ranges[b.key];  // b, ∂L/∂b, Δb: ranges of their own
    b.zmax = zmax;
    for (let i = 0; i < b.rows; i++) { const row = z[b.r + i];
      for (let j = 0; j < b.cols; j++) row[b.c + j] = M ? Math.max(-1, Math.min(1, M.a[i * M.shape[1] + j] / zmax)) : null; }
    if (bars[b.key]) { bars[b.key].top.textContent = M ? fmt(zmax, 2) : ''; bars[b.key].low.textContent = M ? fmt(-zmax, 2) : ''; }
  }
  for (const {t, b, i, j} of texts) {
    const M = f[b.key];
    if (!M) { t.textContent = ''; continue; }
    const v = M.a[i * M.shape[1] + j];
    t.textContent = fmt(v, 2);
    t.setAttribute('fill', Math.abs(v) > 0.6 * b.zmax ? 'white' : '#222');
  }
  // the picked weight: its cell in W^l and in the gradient panels beside it
  st.net.outlines.forEach(o => o.remove()); st.net.outlines = [];
  const pick = F.head.pick;
  if (pick) for (const b of L.blocks) if (b.l === pick[0] && b.bar && !b.delta && f[b.key]) {
    const i = Math.floor((pick[1] - 1) / b.fi), j = Math.floor((pick[2] - 1) / b.fj), X = st.net.X, Y = st.net.Y;
    st.net.outlines.push(sel('rect', {x: X(b.c + j - 0.5), y: Y(b.r + i - 0.5), width: st.net.cell, height: st.net.rowH,
      fill: 'none', stroke: S.colours.highlight, 'stroke-width': 3, class: 'picked'}, st.net.svg));
  }
  return P.restyle(st.parts.network, {z: [z.map(r => r.slice())]}, [0]);
}

// -- the loss curve: a Plotly line, the board keeps its points ---------------------------------------
const LOSS_MARGIN = {l: 56, r: 12, t: 8, b: 40};
async function buildLoss(st, div, P) {
  const S = st.S, W = S.words, font = S.present ? 16 : 12;
  const head = el('div', `font-weight:600;font-size:${S.present ? 20 : 15}px;margin:0 0 2px ${LOSS_MARGIN.l}px`, div);
  head.innerHTML = W.loss;
  const key = el('div', `font-size:${S.present ? 16 : 12}px;margin-left:${LOSS_MARGIN.l}px`, div);
  key.innerHTML = `<span style="color:${S.colours.lines[0]}">━</span> ${W.train}` +
    (S.has_test ? `&nbsp;&nbsp; <span style="color:${S.colours.lines[1]}">━</span> ${W.test}` : '');
  const plot = el('div', '', div);
  st.loss = {plot, steps: [], train: [], test: [], key: null};
  await P.newPlot(plot, [
    {type: 'scatter', mode: 'lines', x: [], y: [], line: {color: S.colours.lines[0]}, hovertemplate: `${W.train}: %{y:.4g}<extra>%{x}</extra>`},
    {type: 'scatter', mode: 'lines', x: [], y: [], line: {color: S.colours.lines[1]}, hovertemplate: `${W.test}: %{y:.4g}<extra>%{x}</extra>`}],
  {width: st.lossWidth, height: S.present ? 260 : 280, margin: LOSS_MARGIN, template: st.template, showlegend: false, font: {size: font},
    xaxis: {title: {text: W.step}, fixedrange: true, automargin: false},
    yaxis: {title: {text: W.loss_axis}, fixedrange: true, automargin: false}, shapes: []}, CONFIG);
}
function takeCurve(st, F) {
  const c = st.loss, f = F.f;
  if (!f['curve.steps']) return;
  if (F.head.curve === 'full') { c.steps = []; c.train = []; c.test = []; }
  const s = f['curve.steps'].a, tr = f['curve.train'].a, te = f['curve.test'].a;
  for (let k = 0; k < s.length; k++) {
    if (c.steps.length && s[k] <= c.steps[c.steps.length - 1]) continue;
    c.steps.push(s[k]); c.train.push(tr[k]); if (k < te.length) c.test.push(te[k]);
  }
}
const nice = v => { const p = 10 ** Math.floor(Math.log10(v)); return [1, 2, 2.5, 5, 10].map(m => m * p).find(x => x >= v); };
function lossRanges(c, log, last) {  // axes that change rarely: a new range means a relayout, else the line alone moves
  const x = [0, nice(Math.max(10, last * 1.05))];
  let lo = Infinity, hi = -Infinity;
  for (const a of [c.train, c.test]) for (const v of a) if (v > 0 && isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (hi === -Infinity) { lo = 0.1; hi = 1; }
  const y = log ? [Math.floor(2 * Math.log10(lo)) / 2, Math.ceil(2 * Math.log10(hi)) / 2] : [0, nice(hi * 1.05)];
  return {x, y};
}
function drawLoss(st, F, P) {
  const c = st.loss, log = !!F.head.log, n = c.steps.length;
  const mark = F.head.step !== F.head.latest ? F.head.step : null;
  const r = lossRanges(c, log, n ? c.steps[n - 1] : 0), mode = n <= 50 ? 'lines+markers' : 'lines';
  const data = [{x: c.steps.slice(), y: c.train.slice(), mode}, {x: c.steps.slice(0, c.test.length), y: c.test.slice(), mode}];
  const key = JSON.stringify([r, log, mark, mode]);
  if (key === c.key)  // the same axes: the lines alone are redrawn, without a full replot
    return P.animate(c.plot, {data, traces: [0, 1]}, {transition: {duration: 0}, frame: {duration: 0, redraw: false}, mode: 'immediate'});
  c.key = key;
  return P.update(c.plot, {x: data.map(d => d.x), y: data.map(d => d.y), mode: [mode, mode]}, {
    'xaxis.range': r.x, 'xaxis.autorange': false, 'yaxis.type': log ? 'log' : 'linear', 'yaxis.range': r.y,
    'yaxis.autorange': false,
    shapes: mark === null ? [] : [{type: 'line', xref: 'x', yref: 'paper', x0: mark, x1: mark, y0: 0, y1: 1, line: {dash: 'dot', color: '#444'}}]}, [0, 1]);
}

// -- the data: axes by Plotly once, points in SVG once, the prediction on a canvas --------------------
const DATA_MARGIN = {l: 44, r: 8, t: 8, b: 40};
async function buildData(st, div, P, A) {
  const S = st.S, W = S.words, g = S.grid, kind = S.pictured, font = S.present ? 16 : 12;
  const head = el('div', `font-weight:600;font-size:${S.present ? 20 : 15}px;margin:0 0 2px ${DATA_MARGIN.l}px`, div);
  head.innerHTML = W.data;
  const key = el('div', `font-size:${font}px;margin-left:${DATA_MARGIN.l}px`, div);
  const box = el('div', 'position:relative', div);
  const [x0, x1] = [g[0], g[1]], two = kind !== 'fit';
  let y0, y1, plotW = st.dataWidth - DATA_MARGIN.l - DATA_MARGIN.r;
  if (two) { y0 = g[2]; y1 = g[3]; } else {
    const ys = [...A.ytr.a, ...A.yte.a]; y0 = Math.min(...ys) - 0.5; y1 = Math.max(...ys) + 0.5; }
  const plotH = two ? Math.round(Math.min(S.present ? 212 : 232, plotW * (y1 - y0) / (x1 - x0))) : 232;
  if (two) plotW = Math.round(plotH * (x1 - x0) / (y1 - y0));  // the input plane in equal units on both axes
  const width = plotW + DATA_MARGIN.l + DATA_MARGIN.r, height = plotH + DATA_MARGIN.t + DATA_MARGIN.b;
  await P.newPlot(box, [], {width, height, margin: DATA_MARGIN, template: st.template, showlegend: false, font: {size: font},
    plot_bgcolor: 'rgba(0,0,0,0)', xaxis: {range: [x0, x1], fixedrange: true, title: {text: two ? 'x₁' : 'x'}, automargin: false},
    yaxis: {range: [y0, y1], fixedrange: true, title: {text: two ? 'x₂' : 'y'}, automargin: false}}, CONFIG);
  const X = x => DATA_MARGIN.l + (x - x0) / (x1 - x0) * plotW, Y = y => DATA_MARGIN.t + (y1 - y) / (y1 - y0) * plotH;
  const d = st.data = {X, Y, kind, box, nx: g[g.length - 1]};
  if (two) {
    const cv = el('canvas', `position:absolute;left:${DATA_MARGIN.l}px;top:${DATA_MARGIN.t}px;width:${plotW}px;height:${plotH}px;` +
      'image-rendering:pixelated;pointer-events:none;opacity:' + (kind === 'regions' ? 0.35 : 0.6), null);
    box.insertBefore(cv, box.firstChild.nextSibling);
    cv.width = cv.height = d.nx;
    Object.assign(d, {cv, ctx: cv.getContext('2d'), img: new ImageData(d.nx, d.nx)});
  }
  const svg = sel('svg', {width, height}, box);
  svg.style.cssText = 'position:absolute;left:0;top:0;pointer-events:none';
  d.svg = svg;
  const colours = S.colours.classes;
  if (kind === 'regions') {
    for (const [Xs, ys, hollow] of [[A.Xtr, A.ytr, false], [A.Xte, A.yte, true]]) for (let i = 0; i < ys.a.length; i++) {
      const c = colours[ys.a[i] % colours.length];
      sel('circle', {cx: X(Xs.a[2 * i]), cy: Y(Xs.a[2 * i + 1]), r: 3.5, fill: hollow ? 'none' : c,
        stroke: hollow ? c : 'white', 'stroke-width': hollow ? 1.5 : 0.5}, svg);
    }
    const names = W.classes.map((name, c) => { const s = el('span', `color:${colours[c % colours.length]}`); s.textContent = '● ';
      const w = el('span'); w.append(s, document.createTextNode(name.length > 24 ? name.slice(0, 23) + '…' : name)); return w; });
    names.forEach((w, k) => { if (k) key.append('   '); key.append(w); });
    if (A.Xte.a.length) key.append(`   ○ ${plain(W.test_points)}`);
  } else if (kind === 'surface') {
    for (let i = 0; i < A.ytr.a.length; i++) d.points = (d.points || []).concat([sel('circle', {cx: X(A.Xtr.a[2 * i]), cy: Y(A.Xtr.a[2 * i + 1]), r: 3.5, stroke: 'white', 'stroke-width': 1}, svg)]);
    key.innerHTML = W.targets;
  } else {
    for (const [Xs, ys, c, hollow] of [[A.Xtr, A.ytr, S.colours.lines[0], false], [A.Xte, A.yte, S.colours.lines[1], true]])
      for (let i = 0; i < ys.a.length; i++) sel('circle', {cx: X(Xs.a[i]), cy: Y(ys.a[i]), r: 3, fill: hollow ? 'none' : c, stroke: c}, svg);
    d.path = sel('path', {fill: 'none', stroke: S.colours.lines[2], 'stroke-width': 3}, svg);
    key.innerHTML = `<span style="color:${S.colours.lines[0]}">●</span> ${W.train_points}   <span style="color:${S.colours.lines[2]}">━</span> ${W.curve}`;
  }
  if (kind === 'surface') d.ytr = A.ytr.a;
  box.addEventListener('mousemove', ev => {
    if (!d.last || kind === 'fit') return;
    const b = box.getBoundingClientRect(), x = ev.clientX - b.left, y = ev.clientY - b.top;
    const i = Math.floor((x - DATA_MARGIN.l) / plotW * d.nx), j = d.nx - 1 - Math.floor((y - DATA_MARGIN.t) / plotH * d.nx);
    if (i < 0 || j < 0 || i >= d.nx || j >= d.nx) { hideTip(st); return; }
    const v = d.last[j * d.nx + i];
    showTip(st, ev, kind === 'regions' ? `${plain(W.predicted)} ${v}` : `y = ${fmt(v, 4)}`);
  });
  box.addEventListener('mouseleave', () => hideTip(st));
}
const VIRIDIS = [[0, '#440154'], [0.25, '#3b528b'], [0.5, '#21918c'], [0.75, '#5ec962'], [1, '#fde725']];
function drawData(st, F) {
  const d = st.data, S = st.S;
  if (d.kind === 'fit') {
    const v = F.f.fit; if (!v) return;
    const [x0, x1, n] = S.grid; let p = '';
    for (let k = 0; k < n; k++) p += `${k ? 'L' : 'M'}${d.X(x0 + (x1 - x0) * k / (n - 1)).toFixed(1)},${d.Y(v.a[k]).toFixed(1)}`;
    d.path.setAttribute('d', p); d.last = v.a; return;
  }
  const z = F.f[d.kind]; if (!z) return;
  const px = d.img.data, n = d.nx;
  let lo = Infinity, hi = -Infinity;
  if (d.kind === 'surface') { for (const v of z.a) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    for (const v of d.ytr) { lo = Math.min(lo, v); hi = Math.max(hi, v); } }
  const rgb = d.kind === 'regions' ? S.colours.classes.map(hex) : null;
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) {  // row j of z is the j-th y from the bottom
    const v = z.a[j * n + i], o = 4 * ((n - 1 - j) * n + i);
    const c = rgb ? rgb[v % rgb.length] : mix(VIRIDIS, (v - lo) / (hi - lo || 1)).match(/\d+/g).map(Number);
    px[o] = c[0]; px[o + 1] = c[1]; px[o + 2] = c[2]; px[o + 3] = 255;
  }
  d.ctx.putImageData(d.img, 0, 0); d.last = z.a;
  if (d.points) d.points.forEach((p, k) => p.setAttribute('fill', mix(VIRIDIS, (d.ytr[k] - lo) / (hi - lo || 1))));
}

// -- the diagram: SVG, one element per edge (data-w="l,i,j"), its own exact hover ----------------------
function buildDiagram(st, div) {
  const S = st.S, sizes = S.sizes, most = S.max_nodes, present = S.present;
  const W = st.diagramWidth, top = present ? 60 : 46, norms = 84, H = 250 + norms, left = 44, right = 48;
  div.style.cssText = `position:relative;width:${W}px;height:${H}px;font:${present ? 16 : 12}px sans-serif`;
  const svg = sel('svg', {width: W, height: H, class: 'board-diagram'}, div);
  const drawn = sizes.map(s => Math.min(s, most)), tallest = Math.max(...drawn), gap = 2 / Math.max(tallest - 1, 1);
  const px = l => left + (W - left - right) * (l + 0.3) / (sizes.length - 0.4);  // layer l (0-based)
  const py = y => top + (H - norms - top - 10) * (1.12 - y) / 2.24;
  // Every other layer's neurons a little closer together: with one spacing for all, edges of a
  // layer cross exactly at a third of one another (lattice points), where no hover can tell them apart.
  const ys = drawn.map((s, l) => Array.from({length: s}, (_, i) => py(((s - 1) / 2 - i) * gap * (l % 2 ? 0.9 : 1))));
  const gEdges = sel('g', {}, svg), edges = [];
  const count = S.summarised ? Math.min(S.max_edges, sizes.slice(1).reduce((a, n, k) => a + Math.min(sizes[k], most) * Math.min(n, most), 0))
    : sizes.slice(1).reduce((a, n, k) => a + sizes[k] * n, 0);
  for (let k = 0; k < count; k++) edges.push(sel('line', {'stroke-linecap': 'round'}, gEdges));
  if (!S.summarised) { let k = 0;
    for (let l = 1; l < sizes.length; l++) for (let i = 0; i < sizes[l - 1]; i++) for (let j = 0; j < sizes[l]; j++) place(edges[k++], l, i, j); }
  function place(e, l, i, j) {
    e.setAttribute('x1', px(l - 1)); e.setAttribute('y1', ys[l - 1][i]); e.setAttribute('x2', px(l)); e.setAttribute('y2', ys[l][j]);
    e.setAttribute('data-w', `${l},${i + 1},${j + 1}`); e.__w = [l, i, j];
  }
  const pickLine = sel('line', {stroke: S.colours.highlight, 'stroke-width': 7, opacity: 0.9, 'stroke-linecap': 'round', visibility: 'hidden'}, svg);
  const r = Math.max(5, Math.min(22, 220 / tallest)) / 2, nodes = [], biases = [];
  for (let l = 0; l < sizes.length; l++) {
    sel('text', {x: px(l), y: top - 12, 'text-anchor': 'middle'}, svg).textContent = `l${'₀₁₂₃₄₅₆₇₈₉'[l + 1] || l + 1} · ${sizes[l]}${sizes[l] > most ? '*' : ''}`;
    for (let i = 0; i < drawn[l]; i++) {
      nodes.push({e: sel('circle', {cx: px(l), cy: ys[l][i], r, stroke: '#444', fill: 'white'}, svg), l, i, x: px(l), y: ys[l][i]});
      if (l > 0) biases.push({e: sel('rect', {x: px(l - 0.17) - 3.5, y: ys[l][i] - 3.5, width: 7, height: 7, stroke: '#666', 'stroke-width': 0.5}, svg),
        l, j: i, x: px(l - 0.17), y: ys[l][i]});
    }
  }
  const edgeKey = sel('text', {x: W - 2, y: 14, 'text-anchor': 'end'}, svg), nodeKey = sel('text', {x: 2, y: 14}, svg);
  // the norms strip: ‖δ^{l+1}‖ and ‖∂L/∂W^l‖ between layers l and l+1, log scale
  const base = H - 8, tall = norms - 36, strip = sel('g', {class: 'norms'}, svg), bars = [];
  const key = el('div', `position:absolute;left:4px;top:${H - norms}px;font-size:${present ? 16 : 12}px;white-space:nowrap`, div);
  key.innerHTML = S.words.norms;
  for (let l = 0; l + 1 < sizes.length; l++) for (let k = 0; k < 2; k++)
    bars.push(sel('rect', {x: (px(l) + px(l + 1)) / 2 + (k ? 2 : -16), width: 14, fill: k ? '#17becf' : '#7f7f7f', y: base, height: 0}, strip));
  const small = present ? 16 : 11, range = [sel('text', {x: 4, y: base - tall + small, 'font-size': small, fill: '#666'}, strip),
    sel('text', {x: 4, y: base, 'font-size': small, fill: '#666'}, strip)];
  st.dg = {svg, edges, place, nodes, biases, pickLine, edgeKey, nodeKey, bars, range, base, tall, px, ys};
  svg.addEventListener('pointermove', ev => hoverDiagram(st, ev));  // fractional coordinates: exact along an edge
  svg.addEventListener('mouseleave', () => hideTip(st));
}
const distance = (x, y, e) => {  // from (x, y) to the segment of edge e
  const x1 = +e.getAttribute('x1'), y1 = +e.getAttribute('y1'), x2 = +e.getAttribute('x2'), y2 = +e.getAttribute('y2');
  const dx = x2 - x1, dy = y2 - y1, t = Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(x1 + t * dx - x, y1 + t * dy - y);
};
function hoverDiagram(st, ev) {
  const dg = st.dg, F = st.frame; if (!F) return;
  const box = dg.svg.getBoundingClientRect(), x = ev.clientX - box.left, y = ev.clientY - box.top;
  let best = null, d = 6;
  for (const n of dg.nodes) { const dd = Math.hypot(n.x - x, n.y - y) - 4; if (dd < d) { d = dd; best = {kind: 'node', n}; } }
  for (const b of dg.biases) { const dd = Math.hypot(b.x - x, b.y - y) - 3; if (dd < d) { d = dd; best = {kind: 'bias', n: b}; } }
  if (!best) for (const e of dg.edges) { if (!e.__w || e.style.display === 'none') continue; const dd = distance(x, y, e); if (dd < d) { d = dd; best = {kind: 'edge', e}; } }
  if (!best) { hideTip(st); return; }
  showTip(st, ev, diagramText(st, F, best), best.kind === 'edge' ? best.e.getAttribute('data-w') : null);
}
function diagramText(st, F, hit) {
  const kind = F.head.edges, [, , name, bname] = FAMILY[kind];
  if (hit.kind === 'edge') { const [l, i, j] = hit.e.__w; return `${name}${SUP(l)}[${i + 1}, ${j + 1}] = ${fmt(edgeValue(st, F, l, i, j, hit.e), 6)}`; }
  if (hit.kind === 'bias') { const {l, j} = hit.n, B = F.f[`${FAMILY[kind][1]}${l}`]; return `${bname}${SUP(l)}[1, ${j + 1}] = ${fmt(B.a[j], 6)}`; }
  const v = F.f[`node${hit.n.l + 1}`];
  return v ? `${F.head.nodes}${SUP(hit.n.l + 1)}${'₍' + (hit.n.i + 1) + '₎'} = ${fmt(v.a[hit.n.i], 6)}` : `l${hit.n.l + 1}, ${hit.n.i + 1}`;
}
function edgeValue(st, F, l, i, j, e) {
  if (e && e.__v !== undefined) return e.__v;
  const M = F.f[`${FAMILY[F.head.edges][0]}${l}`];
  return M.a[i * M.shape[1] + j];
}
function drawDiagram(st, F) {
  const dg = st.dg, S = st.S, f = F.f, kind = F.head.edges, [top, bottom] = FAMILY[kind], L = S.sizes.length - 1;
  let zmax = 0;
  for (let l = 1; l <= L; l++) zmax = Math.max(zmax, F.head.ranges[`${top}${l}`] || 0);
  if (S.summarised) {
    const ls = f['dg.l'].a, is = f['dg.i'].a, js = f['dg.j'].a, vs = f['dg.v'].a;
    dg.edges.forEach((e, k) => {
      if (k >= ls.length) { e.style.display = 'none'; return; }
      e.style.display = ''; dg.place(e, ls[k], is[k], js[k]); e.__v = vs[k];
    });
  }
  for (const e of dg.edges) {
    if (!e.__w || e.style.display === 'none') continue;
    const [l, i, j] = e.__w, s = edgeStyle(S.colours, edgeValue(st, F, l, i, j, e), zmax);
    e.setAttribute('stroke', s.colour); e.setAttribute('stroke-width', s.width);
  }
  for (const {e, l, j} of dg.biases) { const B = f[`${bottom}${l}`]; e.setAttribute('fill', B ? mix(S.colours.diverging, (B.a[j] / zmax + 1) / 2) : 'white'); }
  const am = F.head.ranges.nodes || 1;
  for (const {e, l, i} of dg.nodes) { const v = f[`node${l + 1}`]; e.setAttribute('fill', v ? mix(S.colours.nodes, (v.a[i] / am + 1) / 2) : 'white'); }
  const [, , name] = FAMILY[kind];
  dg.edgeKey.textContent = `${name} ±${fmt(zmax, 2)}`;
  dg.nodeKey.textContent = f.node1 ? `${F.head.nodes} ±${fmt(am, 2)}` : '';
  const pick = F.head.pick;
  if (pick && pick[1] <= dg.ys[pick[0] - 1].length && pick[2] <= dg.ys[pick[0]].length) {
    const [l, i, j] = pick;
    Object.entries({x1: dg.px(l - 1), y1: dg.ys[l - 1][i - 1], x2: dg.px(l), y2: dg.ys[l][j - 1], visibility: 'visible'})
      .forEach(([k, v]) => dg.pickLine.setAttribute(k, v));
  } else dg.pickLine.setAttribute('visibility', 'hidden');
  const norms = f.norms;
  if (norms) {
    let lo = Infinity, hi = -Infinity;
    for (const v of norms.a) if (v > 0) { lo = Math.min(lo, Math.log10(v)); hi = Math.max(hi, Math.log10(v)); }
    lo = Math.floor(lo); hi = Math.max(Math.ceil(hi), lo + 2);
    dg.bars.forEach((r, k) => { const l = k >> 1, v = norms.a[(k & 1) * L + l];
      const h = dg.tall * Math.max(0, Math.min(1, (Math.log10(Math.max(v, 1e-300)) - lo) / (hi - lo)));
      r.setAttribute('y', dg.base - h); r.setAttribute('height', h); });
    dg.range[0].textContent = `1e${hi}`; dg.range[1].textContent = `1e${lo}`;
  }
}

// -- tooltip ------------------------------------------------------------------------------------------
function showTip(st, ev, text, edge) {
  const tip = st.tip, box = st.root.getBoundingClientRect();
  tip.textContent = text;
  tip.dataset.w = edge || '';
  tip.style.left = `${ev.clientX - box.left + 12}px`; tip.style.top = `${ev.clientY - box.top + 12}px`; tip.style.display = 'block';
}
function hideTip(st) { st.tip.style.display = 'none'; }

// -- one board -------------------------------------------------------------------------------------------
async function build(st, S, arrays) {
  const [P, template] = await plotly();
  st.template = template; st.S = S; st.sArrays = arrays;
  const root = st.root;
  root.textContent = '';
  root.className = `board${S.present ? ' board-present' : ''}`;
  const width = root.clientWidth || 1100;
  st.width = width; st.parts = {};
  st.tip = el('div', 'position:absolute;display:none;pointer-events:none;background:white;border:1px solid #888;' +
    `padding:2px 6px;font-size:${S.present ? 16 : 13}px;z-index:10;white-space:nowrap`, root);
  st.tip.className = 'board-tip';
  const row = el('div', 'display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start', root);
  // One row: the loss (at least 300 px), the data, the diagram; where the diagram does not fit
  // beside them, it goes below and the loss takes the room.
  const gap = 12, data = S.loss && S.pictured ? Math.round(Math.max(240, Math.min(380, width * 0.28))) : 0;
  let loss = S.loss ? Math.round(Math.max(300, Math.min(560, width * 0.32))) : 0;
  let diagram = S.diagram ? width - loss - data - gap * ((S.loss) + (data > 0)) : 0;
  if (S.diagram && diagram < 300) { diagram = Math.min(width, 560); if (S.loss) loss = Math.max(300, width - data - gap * (data > 0)); }
  st.lossWidth = Math.min(loss, 720); st.dataWidth = data; st.diagramWidth = Math.min(diagram, 640);
  S.has_test = arrays.Xte ? arrays.Xte.a.length > 0 : true;
  const part = (name, parent, css = '') => { const e = el('div', css, parent); e.className = `board-${name}`; return e; };
  if (S.loss) await buildLoss(st, st.parts.loss = part('loss', row), P);
  if (S.pictured) await buildData(st, st.parts.data = part('data', row), P, arrays);
  if (S.diagram) buildDiagram(st, st.parts.diagram = part('diagram', row));
  await buildNetwork(st, st.parts.network = part('network', root, 'margin-top:8px'), S, P);
  st.version = S.version;
}
async function show(st, F) {  // one frame in every part of the board; its parts' times kept in G.times
  const [P] = await plotly();
  const times = {}, lap = (name, since) => { times[name] = performance.now() - since; };
  let t = performance.now();
  st.frame = F;
  const network = drawNetwork(st, F, P).then(() => lap('network', t));
  const pending = [network];
  if (st.loss) { takeCurve(st, F); const t0 = performance.now(); pending.push(drawLoss(st, F, P).then(() => lap('loss', t0))); }
  t = performance.now();
  if (st.data) { drawData(st, F); lap('data', t); t = performance.now(); }
  if (st.dg) { drawDiagram(st, F); lap('diagram', t); }
  if (F.head.numbers.length) {  // during Play the numbers row moves with the board
    const cells = document.querySelectorAll('dl.numbers dd');
    if (cells.length === F.head.numbers.length) F.head.numbers.forEach((v, k) => { cells[k].textContent = v; });
  }
  await Promise.all(pending);
  st.root.dataset.step = F.head.step;
  st.shown = F.head.step;
  G.frames.push({t: performance.now(), step: F.head.step, times});
  if (G.frames.length > 2000) G.frames.splice(0, 1000);
}

function playLoop(st) {
  if (st.looping) return;
  st.looping = true;
  let last = 0;
  const tick = async now => {
    if (!st.playing) { st.looping = false; return; }
    const interval = 1000 / st.fps;
    if (st.queue.length && now - last >= interval - 4 && !st.busy) {
      const behind = last ? Math.floor((now - last) / interval) - 1 : 0;  // behind: skip to the newest due frame
      for (let s = 0; s < behind && st.queue.length > 1; s++) { const skipped = st.queue.shift(); if (st.loss) takeCurve(st, skipped); }
      const F = st.queue.shift();
      last = now; st.busy = true;
      await (st.drawing = show(st, F));
      st.busy = false;
    }
    if (st.queue.length <= st.chunk / 2 && !st.asking) { st.asking = true; G.requests++; st.trigger('need', G.requests); }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

export default function ({parentElement, data, setTriggerValue}) {
  let st = G.roots.get(parentElement);
  if (!st) {
    const root = el('div', 'position:relative', parentElement);
    st = {root, queue: [], chain: Promise.resolve(), id: `board${G.roots.size}`};
    G.roots.set(parentElement, st);
    // A new width (the window, the sidebar): built again to fit, showing the same frame.
    new ResizeObserver(() => {
      if (!st.S || Math.abs(root.clientWidth - st.width) < 40) return;
      st.chain = st.chain.then(async () => {
        const curve = st.loss && {steps: st.loss.steps, train: st.loss.train, test: st.loss.test};
        await build(st, st.S, st.sArrays);
        if (curve) Object.assign(st.loss, curve);
        if (st.frame) await show(st, {...st.frame, f: Object.fromEntries(Object.entries(st.frame.f).filter(([k]) => !k.startsWith('curve.')))});
      });
    }).observe(root);
  }
  st.trigger = setTriggerValue;
  const {header, arrays} = unpack(data);
  st.chain = st.chain.then(async () => {
    if (header.structure && header.structure.version !== st.version) await build(st, header.structure, arrays);
    if (st.version !== header.version) { setTriggerValue('missing', header.version + Date.now()); return; }  // remounted: ask for the structure
    const frames = header.frames.map((head, k) => ({head, f: frameArrays(arrays, k)}));
    st.fps = header.fps; st.chunk = frames.length;
    if (header.playing) {
      st.asking = false;
      if (header.seq !== st.seq) { st.seq = header.seq; st.queue.push(...frames); }
      if (!st.playing) { st.playing = true; playLoop(st); }
      return;
    }
    const F = frames[frames.length - 1], wasPlaying = st.playing;
    st.playing = false; st.queue = [];
    await st.drawing;  // the frame being drawn when Play stopped is the step on the screen
    if (wasPlaying && st.shown !== undefined && F.head.step === F.head.latest && F.head.latest > st.shown
        && F.head.latest - st.shown <= header.undoable) {
      // paused with frames computed but not shown: the server takes them back to the step on screen
      setTriggerValue('rewind', st.shown);
      return;
    }
    await show(st, F);
  }).catch(e => { st.root.textContent = String(e && e.stack || e); });
  return undefined;
}

// For tests and benchmarks: the colour rules, and what the page's board shows now (its step,
// the frame's header and arrays, as lists).
Object.assign(G, {mix, edgeStyle, fmt, now() {
  const st = [...G.roots.values()].find(s => s.root.isConnected && s.frame);
  if (!st) return null;
  const arrays = Object.fromEntries(Object.entries(st.frame.f).map(([k, v]) => [k, {shape: v.shape, a: Array.from(v.a)}]));
  const curve = st.loss ? {steps: st.loss.steps.slice(), train: st.loss.train.slice(), test: st.loss.test.slice()} : null;
  return {step: +st.root.dataset.step, head: st.frame.head, arrays, structure: st.S, curve};
}, cell(key, i, j) {  // where cell (i, j) (0-based, as drawn) of a matrix is on the page
  const st = [...G.roots.values()].find(s => s.root.isConnected && s.net), b = st.net.L.blocks.find(x => x.key === key);
  const box = st.parts.network.getBoundingClientRect();
  return {x: box.left + st.net.X(b.c + j), y: box.top + st.net.Y(b.r + i)};
}});
