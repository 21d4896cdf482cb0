// The persistent chart of explorer/ui/canvas.py. Streamlit calls this on every run with the
// figure's JSON; the graph div stays and Plotly.react redraws it in place. Only the newest
// figure waits while one draws (a slow draw skips figures, it never queues them).
const PLOTLY = 'component/explorer.ui.canvas.plotly/';  // served by canvas.py's declare_component
const CONFIG = {displayModeBar: false, responsive: false};
const shared = window.__canvas = window.__canvas || {drawing: new Set()};

function load(path) {  // a file of the plotly package, relative to the app's own base URL
  return new URL(PLOTLY + path, document.baseURI).href;
}

function plotly() {
  shared.plotly = shared.plotly || Promise.all([
    window.Plotly || new Promise((resolve, reject) => {
      const script = Object.assign(document.createElement('script'), {src: load('plotly.min.js')});
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => { shared.plotly = null; reject(new Error('plotly.js did not load')); };
      document.head.appendChild(script);
    }),
    // Plotly's default look, left out of every payload (it is the same for every figure).
    fetch(load('templates/plotly.json')).then(r => r.json()).catch(() => undefined),
  ]);
  return shared.plotly;
}

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
