// The board's inline module (explorer/ui/board.py): a few bytes that import board.js from its
// static path once. Streamlit re-sends a component's inline JavaScript with every run.
const url = new URL('component/explorer.ui.canvas.board/board.js', document.baseURI).href;
export default function (args) {
  const w = window.__boardModule = window.__boardModule || {};
  if (w.module) return w.module.default(args);
  w.loading = w.loading || import(url).then(m => { w.module = m; return m; });
  w.loading.then(m => m.default(args));
  return undefined;
}
