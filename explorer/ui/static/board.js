// The board (explorer/ui/board.py): the Network view as one live component. Streamlit calls the
// default export on every run with a payload (explorer/figures/board.py): the structure when it
// changed, then one frame (a Step) or several (Play). What never changes is built once (axes,
// titles, indices, data points, the diagram's edges); a frame changes values in place: one
// restyle of the packed heatmap of every matrix, the loss line, the regions' canvas, the
// diagram's colours, the page's numbers row. The root's `data-step` is set once every part shows that frame.
import {plotly} from './plotly.js';
import {unpack, frameArrays} from './payload.js';
import {mix, edgeStyle, shade, fmt} from './colours.js';
import {el} from './dom.js';
import {buildNetwork, drawNetwork, takeExact} from './matrices.js';
import {buildLoss, takeCurve, drawLoss} from './loss.js';
import {buildData, drawData} from './regions.js';
import {buildDiagram, drawDiagram} from './diagram.js';
import {showNumbers} from './numbers.js';

const G = window.__board = window.__board || {roots: new Map(), frames: [], requests: 0};

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
  st.hint = part('hint', root);  // how to open a cell's derivation (explorer/ui/explain_panel.py)
  st.hint.textContent = S.words.explain_hint;
  st.version = S.version;
}
async function show(st, F) {  // one frame in every part of the board; when each part was drawn kept in G.frames
  const [P] = await plotly();
  const start = performance.now(), times = {}, lap = name => { times[name] = performance.now() - start; };
  st.frame = F;
  const pending = [drawNetwork(st, F, P)];  // Plotly draws the heatmap before it returns; its promise settles later
  lap('network');
  if (st.loss) { takeCurve(st, F); pending.push(drawLoss(st, F, P).then(() => lap('loss'))); }
  if (st.data) { drawData(st, F); lap('data'); }
  if (st.dg) { drawDiagram(st, F); lap('diagram'); }
  showNumbers(F.head.numbers);
  st.hint.hidden = !F.head.gradients || !!F.head.explain;  // a property: set to what it is, nothing is written
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
    if (!header.frames.length) { if (!st.playing) takeExact(st, header.peek); return; }  // a hover's exact entry alone
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
    takeExact(st, header.peek);
  }).catch(e => { st.root.textContent = String(e && e.stack || e); });
  return undefined;
}

// For tests and benchmarks: the colour rules, and what the page's board shows now (its step,
// the frame's header and arrays, as lists).
Object.assign(G, {mix, edgeStyle, shade, fmt, now() {
  const st = [...G.roots.values()].find(s => s.root.isConnected && s.frame);
  if (!st) return null;
  const arrays = Object.fromEntries(Object.entries(st.frame.f).map(([k, v]) => [k, {shape: v.shape, a: Array.from(v.a)}]));
  const curve = st.loss ? {steps: st.loss.steps.slice(), train: st.loss.train.slice(), test: st.loss.test.slice()} : null;
  return {step: +st.root.dataset.step, head: st.frame.head, arrays, structure: st.S, curve};
}, cell(key, i, j) {  // where cell (i, j) (0-based, as drawn) of a matrix is on the page: its centre and size
  const st = [...G.roots.values()].find(s => s.root.isConnected && s.net), b = st.net.L.blocks.find(x => x.key === key);
  const box = st.parts.network.getBoundingClientRect();
  return {x: box.left + st.net.X(b.c + j), y: box.top + st.net.Y(b.r + i), w: st.net.cell, h: st.net.rowH};
}});
