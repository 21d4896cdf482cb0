// plotly.js and Plotly's default template, loaded once for the page from the pinned plotly
// package (served by explorer/ui/canvas.py under the app's own base URL: nothing from the internet).
const PLOTLY = 'component/explorer.ui.canvas.plotly/';
export const CONFIG = {displayModeBar: false, responsive: false, staticPlot: false};
let loading = null;

function load(path) { return new URL(PLOTLY + path, document.baseURI).href; }
// [Plotly, its default template]: the template is left out of every payload (the same for every figure).
export function plotly() {
  loading = loading || Promise.all([
    window.Plotly || new Promise((resolve, reject) => {
      const s = Object.assign(document.createElement('script'), {src: load('plotly.min.js')});
      s.onload = () => resolve(window.Plotly);
      s.onerror = () => { loading = null; reject(new Error('plotly.js did not load')); };
      document.head.appendChild(s);
    }),
    fetch(load('templates/plotly.json')).then(r => r.json()).catch(() => undefined),
  ]);
  return loading;
}
