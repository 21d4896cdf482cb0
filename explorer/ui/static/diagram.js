// The diagram: SVG, one element per edge (data-w="l,i,j"), its own exact hover; the norms strip.
import {mix, edgeStyle, fmt} from './colours.js';
import {SUP, el, sel, plain, showTip, hideTip, attr} from './dom.js';
import {FAMILY} from './matrices.js';
import {openEditor} from './editor.js';
import {at, indexed, pair} from './notation.js';

export function buildDiagram(st, div) {
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
  nameInputs(S, svg, px(0) - r - 4, ys[0]);
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
  svg.addEventListener('click', ev => clickDiagram(st, ev));
  svg.addEventListener('mouseleave', () => hideTip(st));
}
// Each input neuron's name (x₁, x₁², sin x₂, … or a file's column) right-aligned at x, left of its
// node, when every input is drawn and the names have room (cut short to it; the node's hover says it whole).
function nameInputs(S, svg, x, ys) {
  const names = S.inputs || [], font = S.present ? 16 : 12, room = Math.floor(x / (0.6 * font));
  if (names.length !== ys.length || (ys.length > 1 && ys[1] - ys[0] < 0.9 * font)) return;
  names.forEach((name, i) => { sel('text', {x, y: ys[i] + font / 3, 'text-anchor': 'end', class: 'input-name'}, svg)
    .textContent = name.length <= room ? name : name.slice(0, Math.max(1, room - 1)) + '…'; });
}
const distance = (x, y, e) => {  // from (x, y) to the segment of edge e
  const x1 = +e.getAttribute('x1'), y1 = +e.getAttribute('y1'), x2 = +e.getAttribute('x2'), y2 = +e.getAttribute('y2');
  const dx = x2 - x1, dy = y2 - y1, t = Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(x1 + t * dx - x, y1 + t * dy - y);
};
function hitAt(dg, ev) {  // the node, bias or edge under the pointer, or null
  const box = dg.svg.getBoundingClientRect(), x = ev.clientX - box.left, y = ev.clientY - box.top;
  let best = null, d = 6;
  for (const n of dg.nodes) { const dd = Math.hypot(n.x - x, n.y - y) - 4; if (dd < d) { d = dd; best = {kind: 'node', n}; } }
  for (const b of dg.biases) { const dd = Math.hypot(b.x - x, b.y - y) - 3; if (dd < d) { d = dd; best = {kind: 'bias', n: b}; } }
  if (!best) for (const e of dg.edges) { if (!e.__w || e.style.display === 'none') continue; const dd = distance(x, y, e); if (dd < d) { d = dd; best = {kind: 'edge', e}; } }
  return best;
}
function hoverDiagram(st, ev) {
  const dg = st.dg, F = st.frame; if (!F) return;
  const best = hitAt(dg, ev);
  dg.svg.style.cursor = best && best.kind !== 'node' ? 'pointer' : '';
  if (!best) {
    const box = dg.svg.getBoundingClientRect(), x = ev.clientX - box.left, y = ev.clientY - box.top;
    if (y >= dg.base - dg.tall && y <= dg.base + 2 && F.f.norms) {  // the norms strip: a bar's column
      const k = dg.bars.findIndex(r => x >= +r.getAttribute('x') - 1 && x <= +r.getAttribute('x') + 15);
      if (k >= 0) { showTip(st, ev, normText(st, F, k)); return; }
    }
  }
  if (!best) { hideTip(st); return; }
  showTip(st, ev, diagramText(st, F, best), best.kind === 'edge' ? best.e.getAttribute('data-w') : null);
}
const exact = (st, F, key, i, j, m, n) => {  // the core's entry (i, j) of its m×n matrix sent cell by cell (not at
  const M = F.f[key], [r, c] = pair(st.S, m, n);  // display resolution; as the notation shows it), else null
  return M && M.shape[0] === r && M.shape[1] === c ? at(st.S, M, i, j) : null;
};
function clickDiagram(st, ev) {  // an edge sets W^l[i, j] by hand, a bias b^l[j] (editor.js)
  const F = st.frame, hit = F && hitAt(st.dg, ev);
  if (!hit || hit.kind === 'node') return;
  if (hit.kind === 'edge') {
    const [l, i, j] = hit.e.__w, [m, n] = F.head.shapes[l - 1];
    const value = F.head.edges === 'W' && hit.e.__v !== undefined ? hit.e.__v : exact(st, F, `W${l}`, i, j, m, n);
    openEditor(st, ev, {l, i: i + 1, j: j + 1, bias: false, name: indexed(st.S, `W${SUP(l)}`, i, j), value});
  } else {
    const {l, j} = hit.n, n = F.head.shapes[l - 1][1];
    openEditor(st, ev, {l, i: 1, j: j + 1, bias: true, name: indexed(st.S, `b${SUP(l)}`, 0, j),
      value: exact(st, F, `b${l}`, 0, j, 1, n)});
  }
}
function diagramText(st, F, hit) {
  const kind = F.head.edges, [, , name, bname] = FAMILY[kind];
  if (hit.kind === 'edge') { const [l, i, j] = hit.e.__w; return `${indexed(st.S, name + SUP(l), i, j)} = ${fmt(edgeValue(st, F, l, i, j, hit.e), 6)}`; }
  if (hit.kind === 'bias') { const {l, j} = hit.n, B = F.f[`${FAMILY[kind][1]}${l}`]; return `${indexed(st.S, bname + SUP(l), 0, j)} = ${fmt(B.a[j], 6)}`; }
  const v = F.f[`node${hit.n.l + 1}`];
  const input = hit.n.l === 0 && (st.S.inputs || [])[hit.n.i], named = input ? `${input}: ` : '';
  return named + (v ? `${F.head.nodes}${SUP(hit.n.l + 1)}${'₍' + (hit.n.i + 1) + '₎'} = ${fmt(v.a[hit.n.i], 6)}` : `l${hit.n.l + 1}, ${hit.n.i + 1}`);
}
function normText(st, F, k) {  // bar k: ‖δ^{l+2}‖ (k even) or ‖∂L/∂W^{l+1}‖ (odd) between layers l and l+1 (0-based)
  const l = k >> 1, L = st.S.sizes.length - 1, words = st.S.words;
  return plain((k & 1 ? words.norm_dW : words.norm_delta).replace('{l}', l + 1 + (k & 1 ? 0 : 1)))
    .replace('{v}', fmt(F.f.norms.a[(k & 1) * L + l], 6));
}
function edgeValue(st, F, l, i, j, e) {
  if (e && e.__v !== undefined) return e.__v;
  return at(st.S, F.f[`${FAMILY[F.head.edges][0]}${l}`], i, j);
}
export function drawDiagram(st, F) {
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
    attr(e, 'stroke', s.colour); attr(e, 'stroke-width', s.width);
  }
  for (const {e, l, j} of dg.biases) { const B = f[`${bottom}${l}`]; attr(e, 'fill', B ? mix(S.colours.diverging, (B.a[j] / zmax + 1) / 2) : 'white'); }
  const am = F.head.ranges.nodes || 1;
  for (const {e, l, i} of dg.nodes) { const v = f[`node${l + 1}`]; attr(e, 'fill', v ? mix(S.colours.nodes, (v.a[i] / am + 1) / 2) : 'white'); }
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
