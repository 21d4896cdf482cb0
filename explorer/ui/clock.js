// Play's clock (explorer/ui/canvas.py): mounted while playing, it asks for the next frame (a
// rerun of the page's fragment) only once every chart has drawn this one. A frame the
// browser cannot keep up with is never queued: the frame rate adapts to the slowest side.
const MIN_FRAME_MS = 50;  // at most 20 frames a second: one host serves a whole class

export default function ({data, setTriggerValue}) {
  const shared = window.__canvas = window.__canvas || {drawing: new Set()};
  if (data.frame === shared.frame) return undefined;
  shared.frame = data.frame;
  (async () => {
    await new Promise(resolve => requestAnimationFrame(resolve));  // this run's charts start drawing
    while (shared.drawing.size) await Promise.allSettled([...shared.drawing]);
    const wait = MIN_FRAME_MS - (performance.now() - (shared.asked || 0));
    if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait));
    if (shared.frame !== data.frame) return;  // paused, or a newer run took over
    shared.asked = performance.now();
    setTriggerValue('frame', data.frame);
  })();
  return () => { shared.frame = null; };  // unmounted: Pause
}
