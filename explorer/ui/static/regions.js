// The data: axes by Plotly once, points in SVG once, the prediction on a canvas.
import {CONFIG} from './plotly.js';
import {hex, mix, shade, fmt, VIRIDIS} from './colours.js';
import {el, sel, plain, showTip, hideTip} from './dom.js';

const DATA_MARGIN = {l: 44, r: 8, t: 8, b: 40};
export async function buildData(st, div, P, A) {
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
    const k = j * d.nx + i, v = d.last[k];
    if (kind !== 'regions') { showTip(st, ev, `y = ${fmt(v, 4)}`); return; }
    const sure = d.confidence ? ` · ${W.confidence.replace('{p}', (d.confidence[k] / 255).toFixed(2))}` : '';
    showTip(st, ev, `${plain(W.predicted)} ${W.classes[v] ?? v + 1}${sure}`);
  });
  box.addEventListener('mouseleave', () => hideTip(st));
}
export function drawData(st, F) {
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
  const rgb = d.kind === 'regions' ? S.colours.classes.map(hex) : null, sure = F.f.confidence, K = S.words.classes.length;
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) {  // row j of z is the j-th y from the bottom
    const v = z.a[j * n + i], o = 4 * ((n - 1 - j) * n + i);
    const c = !rgb ? mix(VIRIDIS, (v - lo) / (hi - lo || 1)).match(/\d+/g).map(Number)
      : sure ? shade(rgb[v % rgb.length], sure.a[j * n + i] / 255, K) : rgb[v % rgb.length];
    px[o] = c[0]; px[o + 1] = c[1]; px[o + 2] = c[2]; px[o + 3] = 255;
  }
  d.ctx.putImageData(d.img, 0, 0); d.last = z.a; d.confidence = sure && sure.a;
  if (d.points) d.points.forEach((p, k) => p.setAttribute('fill', mix(VIRIDIS, (d.ytr[k] - lo) / (hi - lo || 1))));
}
