// The inline module of the page's live components (explorer/ui/canvas.py `live`): a few bytes that
// import the component's own module once from the app's static path, explorer/ui/static/, named
// after it (backprop_board: board.js, backprop_canvas: canvas.js). Streamlit re-sends a component's
// inline JavaScript with every run; the modules stay in the page.
const modules = window.__liveModules = window.__liveModules || {};
export default function (args) {
  const file = `${args.name.split('.').pop().replace(/^backprop_/, '')}.js`, m = modules[file] = modules[file] || {};
  if (m.module) return m.module.default(args);
  let cleanup;  // what the module's first run returns, once it has loaded
  m.loading = m.loading || import(new URL(`component/explorer.ui.canvas.static/${file}`, document.baseURI).href)
    .then(module => { m.module = module; return module; });
  m.loading.then(module => { cleanup = module.default(args); });
  return () => cleanup && cleanup();
}
