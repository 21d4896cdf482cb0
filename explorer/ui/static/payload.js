// The board's payload (explorer/figures/board.py): a u32 header length, a JSON header whose
// `arrays` table is [name, dtype, shape, offset], then the arrays; frame k's arrays are named `fk.…`.
const TYPES = {f8: Float64Array, f4: Float32Array, i4: Int32Array, u1: Uint8Array, u2: Uint16Array};
export function unpack(data) {
  const u8 = data instanceof Uint8Array ? data : new Uint8Array(data);
  const n = new DataView(u8.buffer, u8.byteOffset, 4).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(u8.subarray(4, 4 + n)));
  const bin = u8.slice(4 + n).buffer;  // a copy at offset 0: aligned typed-array views
  const arrays = {};
  for (const [name, dtype, shape, offset] of header.arrays) {
    const count = shape.reduce((a, b) => a * b, 1);
    arrays[name] = {a: new TYPES[dtype](bin, offset, count), shape};
  }
  return {header, arrays};
}
export function frameArrays(arrays, k) {
  const prefix = `f${k}.`, f = {};
  for (const [name, v] of Object.entries(arrays)) if (name.startsWith(prefix)) f[name.slice(prefix.length)] = v;
  return f;
}

