// How the page writes matrices (explorer/notation.py): the payload sends each matrix as it is shown,
// the core's (row notation) or its transpose (column notation). An entry named by the core's
// indices, Wˡ[i, j] from neuron i of layer l to neuron j of layer l+1 (as data-w="l,i,j" and the
// picked weight say), sits at row j, column i of the shown matrix in the column notation. What the
// board tells the server (a clicked cell, the picked weight) names the core's indices; a peek
// (figures/board.py `peek`) names the shown matrix's.
export const isColumn = S => S.notation === 'column';
export const pair = (S, i, j) => isColumn(S) ? [j, i] : [i, j];
export const at = (S, M, i, j) => { const [r, c] = pair(S, i, j); return M.a[r * M.shape[1] + c]; };  // 0-based
export const indexed = (S, name, i, j) => { const [r, c] = pair(S, i, j); return `${name}[${r + 1}, ${c + 1}]`; };  // 1-based text
