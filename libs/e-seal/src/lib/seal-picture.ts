/** A seal picture made in code: a red ring with a five-pointed star on a transparent background (RGBA PNG). */
import zlib from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(td) >>> 0);
  return Buffer.concat([len, td, crc]);
}

/** The 10 vertices of a five-pointed star pointing up, as flat x and y arrays. */
function starVertices(cx: number, cy: number, R: number, r: number): { xs: Float64Array; ys: Float64Array } {
  const xs = new Float64Array(10);
  const ys = new Float64Array(10);
  for (let i = 0; i < 10; i++) {
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    const rad = i % 2 === 0 ? R : r;
    xs[i] = cx + rad * Math.cos(a);
    ys[i] = cy + rad * Math.sin(a);
  }
  return { xs, ys };
}

/** Point-in-polygon (even-odd) for the star; computed once per picture, no allocation per sample. */
function insideStar(x: number, y: number, { xs, ys }: { xs: Float64Array; ys: Float64Array }): boolean {
  let inside = false;
  for (let i = 0, j = 9; i < 10; j = i++) {
    const xi = xs[i]!,
      yi = ys[i]!,
      xj = xs[j]!,
      yj = ys[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** PNG bytes, `size` × `size` pixels. */
export function makeSealPng(size = 256): Buffer {
  const cx = size / 2,
    cy = size / 2;
  const rOuter = size * 0.48,
    rInner = size * 0.43;
  const SS = 3; // 3x3 supersampling for anti-aliasing
  const star = starVertices(cx, cy, size * 0.22, size * 0.088);
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: None
    for (let x = 0; x < size; x++) {
      let hits = 0;
      for (let sy = 0; sy < SS; sy++)
        for (let sx = 0; sx < SS; sx++) {
          const px = x + (sx + 0.5) / SS,
            py = y + (sy + 0.5) / SS;
          const d = Math.hypot(px - cx, py - cy);
          if ((d <= rOuter && d >= rInner) || insideStar(px, py, star)) hits++;
        }
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = 0xd4;
      raw[o + 1] = 0x10;
      raw[o + 2] = 0x10; // seal red
      raw[o + 3] = Math.round((255 * hits) / (SS * SS));
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0; // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
