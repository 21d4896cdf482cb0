// The loss curve: a Plotly line; the board keeps its points and sends only the new ones.
import {CONFIG} from './plotly.js';
import {el} from './dom.js';

const LOSS_MARGIN = {l: 56, r: 12, t: 8, b: 40};
export async function buildLoss(st, div, P) {
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
export function takeCurve(st, F) {
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
// Plotly.animate draws the lines once the calling task's promises run (not in an animation frame)
// and resolves only a task or a frame later: they are drawn once their paths change (or, with
// nothing to change, when it resolves).
function lineDrawn(plot, animation) {
  return new Promise(resolve => {
    const done = () => { changed.disconnect(); resolve(); };
    const changed = new MutationObserver(done);
    changed.observe(plot.querySelector('.scatterlayer') || plot, {subtree: true, childList: true, attributes: true, attributeFilter: ['d']});
    animation.then(done, done);
  });
}
export function drawLoss(st, F, P) {
  const c = st.loss, log = !!F.head.log, n = c.steps.length;
  const mark = F.head.step !== F.head.latest ? F.head.step : null;
  const r = lossRanges(c, log, n ? c.steps[n - 1] : 0), mode = n <= 50 ? 'lines+markers' : 'lines';
  const data = [{x: c.steps.slice(), y: c.train.slice(), mode}, {x: c.steps.slice(0, c.test.length), y: c.test.slice(), mode}];
  const key = JSON.stringify([r, log, mark, mode]);
  if (key === c.key)  // the same axes: the lines alone are redrawn, without a full replot
    return lineDrawn(c.plot, P.animate(c.plot, {data, traces: [0, 1]}, {transition: {duration: 0}, frame: {duration: 0, redraw: false}, mode: 'immediate'}));
  c.key = key;
  return P.update(c.plot, {x: data.map(d => d.x), y: data.map(d => d.y), mode: [mode, mode]}, {
    'xaxis.range': r.x, 'xaxis.autorange': false, 'yaxis.type': log ? 'log' : 'linear', 'yaxis.range': r.y,
    'yaxis.autorange': false,
    shapes: mark === null ? [] : [{type: 'line', xref: 'x', yref: 'paper', x0: mark, x1: mark, y0: 0, y1: 1, line: {dash: 'dot', color: '#444'}}]}, [0, 1]);
}
