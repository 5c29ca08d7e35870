// IEEE 754 half precision to single: TF.js stores many weights as float16 to halve the download.

const exponentTable = new Float32Array(32);
for (let e = 0; e < 32; e++) exponentTable[e] = 2 ** (e - 15);

/** Decodes little-endian float16 values. */
export function float16ToFloat32(bytes: Uint8Array): Float32Array {
  const count = bytes.byteLength >> 1;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const h = bytes[2 * i]! | (bytes[2 * i + 1]! << 8);
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0) out[i] = sign * mantissa * 2 ** -24; // subnormal (and zero)
    else if (exponent === 31) out[i] = mantissa ? NaN : sign * Infinity;
    else out[i] = sign * exponentTable[exponent]! * (1 + mantissa / 1024);
  }
  return out;
}
