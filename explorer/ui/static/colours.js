// Colours and numbers: the same value gives the same colour and text as explorer/figures
// (tests compare them).
export function hex(c) { return [1, 3, 5].map(i => parseInt(c.substr(i, 2), 16)); }
// Plotly's heatmap colour of u in [0, 1] on a [[position, '#rrggbb'], ...] scale (linear in RGB).
export function mix(scale, u) {
  u = Math.max(0, Math.min(1, u));
  for (let k = 1; k < scale.length; k++) if (u <= scale[k][0]) {
    const [a, ca] = scale[k - 1], [b, cb] = scale[k], s = (u - a) / (b - a || 1), x = hex(ca), y = hex(cb);
    return `rgb(${[0, 1, 2].map(i => Math.round(x[i] + (y[i] - x[i]) * s)).join(', ')})`;
  }
  const last = hex(scale[scale.length - 1][1]);
  return `rgb(${last.join(', ')})`;
}
// A class colour ([r, g, b]) at a confidence: white at chance (1/K), the full colour when sure (plots.shade).
export function shade(rgb, confidence, classes) {
  const chance = 1 / Math.max(classes, 2), s = Math.min(1, Math.max(0, (confidence - chance) / (1 - chance)));
  return rgb.map(c => Math.round(255 + (c - 255) * s));
}
// An edge's colour and width in the diagram: |value| / zmax in quarters, by sign (diagram.py).
export function edgeStyle(colours, v, zmax) {
  const k = Math.min(Math.floor(Math.abs(v) / zmax * colours.positive.length), colours.positive.length - 1);
  return {colour: (v >= 0 ? colours.positive : colours.negative)[Math.max(0, k)], width: 0.8 + 1.4 * Math.max(0, k)};
}
// Plotly's "%{z:.2~g}" and ".6g": two or six significant digits, no trailing zeros.
export function fmt(v, digits) {
  if (!isFinite(v)) return String(v);
  if (v === 0) return '0';
  const e = Math.floor(Math.log10(Math.abs(v)));
  if (e < -4 || e >= digits) return v.toExponential(digits - 1).replace(/\.?0+e/, 'e').replace('e+', 'e+').replace(/e([+-])(\d)$/, 'e$10$2');
  return String(Number(v.toPrecision(digits)));}
export const VIRIDIS = [[0, '#440154'], [0.25, '#3b528b'], [0.5, '#21918c'], [0.75, '#5ec962'], [1, '#fde725']];
