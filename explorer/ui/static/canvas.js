// The persistent chart of explorer/ui/canvas.py (loaded by loader.js). Streamlit calls this on every
// run with the figure's JSON; the graph div stays and Plotly.react redraws it in place. Only the
// newest figure waits while one draws (a slow draw skips figures, it never queues them).
import {plotly, CONFIG} from './plotly.js';

const shared = window.__canvas = window.__canvas || {drawing: new Set()};  // clock.js waits for them

async function draw(gd) {
  const [Plotly, template] = await plotly();
  while (gd.__next) {
    const fig = gd.__next;
    gd.__next = null;
    if (template && !fig.layout.template) fig.layout.template = template;
    await Plotly.react(gd, fig.data, fig.layout, CONFIG);
  }
}

export default function ({parentElement, data}) {
  let gd = parentElement.querySelector(':scope > .js-plotly-plot, :scope > .canvas-chart');
  if (!gd) {
    gd = Object.assign(document.createElement('div'), {className: 'canvas-chart'});
    gd.style.width = '100%';
    parentElement.appendChild(gd);
    gd.__resize = new ResizeObserver(() => gd.__drawn && window.Plotly.Plots.resize(gd));
    gd.__resize.observe(gd);
  }
  gd.__next = JSON.parse(new TextDecoder().decode(data));
  if (!gd.__drawing) {
    const drawing = gd.__drawing = draw(gd)
      .catch(error => { gd.textContent = String(error); })
      .finally(() => { gd.__drawing = null; gd.__drawn = true; shared.drawing.delete(drawing); });
    shared.drawing.add(drawing);
  }
  return () => { gd.__resize.disconnect(); window.Plotly && window.Plotly.purge(gd); };
}
