// The Teams app icons, drawn in code so they need no design tool and no download:
// color.png (192×192, the app's green with a white renewal ring around a "T") and
// outline.png (32×32, the same shapes in white on transparent, as Teams requires).
// A minimal PNG encoder (RGBA, no filtering, zlib from node:zlib) writes them.
import { crc32, deflateSync } from 'node:zlib';

export const COLOR_SIZE = 192;
export const OUTLINE_SIZE = 32;
export const ACCENT = { r: 0x1f, g: 0x3b, b: 0x2f };

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** RGBA pixels (row by row, 4 bytes each) → PNG file bytes. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  if (rgba.length !== width * height * 4) throw new RangeError(`expected ${width * height * 4} bytes of RGBA, got ${rgba.length}`);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(6, 9); // colour type: RGBA
  // compression, filter and interlace methods: all 0
  const rows = Buffer.alloc(height * (1 + width * 4));
  for (let y = 0; y < height; y++) {
    rows[y * (1 + width * 4)] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(rows, y * (1 + width * 4) + 1);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** Width and height from a PNG's IHDR (for tests and the package check). */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const b = Buffer.from(png);
  if (b.readUInt32BE(0) !== 0x89504e47 || b.toString('ascii', 12, 16) !== 'IHDR') throw new Error('not a PNG');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

// ------------------------------------------------------------------ the mark

const CENTER = 0.5;
const RING_OUTER = 0.4;
const RING_INNER = 0.3;
/** The ring's opening, top right (screen angles: y grows downwards). */
const GAP_FROM = (-75 * Math.PI) / 180;
const GAP_TO = (-25 * Math.PI) / 180;

function inTriangle(px: number, py: number, [a, b, c]: [number, number][]): boolean {
  const side = (p: [number, number], q: [number, number]) => (px - q[0]) * (p[1] - q[1]) - (p[0] - q[0]) * (py - q[1]);
  const d1 = side(a!, b!);
  const d2 = side(b!, c!);
  const d3 = side(c!, a!);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
}

const ARROW: [number, number][] = (() => {
  const a = GAP_TO;
  const mid = (RING_OUTER + RING_INNER) / 2;
  const [nx, ny] = [Math.cos(a), Math.sin(a)];
  const [px, py] = [CENTER + mid * nx, CENTER + mid * ny];
  const [tx, ty] = [Math.sin(a), -Math.cos(a)]; // along the ring, into the opening
  const half = 0.1;
  return [
    [px + nx * half, py + ny * half],
    [px - nx * half, py - ny * half],
    [px + tx * 0.11, py + ty * 0.11],
  ];
})();

/** Whether a point (0..1 on both axes) is inside the white mark: ring with an arrow, and a "T". */
export function inMark(x: number, y: number): boolean {
  const dx = x - CENTER;
  const dy = y - CENTER;
  const r = Math.hypot(dx, dy);
  const angle = Math.atan2(dy, dx);
  const ring = r <= RING_OUTER && r >= RING_INNER && !(angle > GAP_FROM && angle < GAP_TO);
  const bar = x >= 0.35 && x <= 0.65 && y >= 0.34 && y <= 0.42;
  const stem = x >= 0.455 && x <= 0.545 && y >= 0.34 && y <= 0.67;
  return ring || bar || stem || inTriangle(x, y, ARROW);
}

/** Coverage of a pixel by the mark, 0..1, from 4×4 samples (smooth edges). */
function coverage(px: number, py: number, size: number): number {
  let hits = 0;
  for (let sy = 0; sy < 4; sy++) for (let sx = 0; sx < 4; sx++) if (inMark((px + (sx + 0.5) / 4) / size, (py + (sy + 0.5) / 4) / size)) hits++;
  return hits / 16;
}

export function colorIcon(size = COLOR_SIZE): Buffer {
  const rgba = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const c = coverage(x, y, size);
      const i = (y * size + x) * 4;
      rgba[i] = Math.round(ACCENT.r + (255 - ACCENT.r) * c);
      rgba[i + 1] = Math.round(ACCENT.g + (255 - ACCENT.g) * c);
      rgba[i + 2] = Math.round(ACCENT.b + (255 - ACCENT.b) * c);
      rgba[i + 3] = 255;
    }
  }
  return encodePng(size, size, rgba);
}

export function outlineIcon(size = OUTLINE_SIZE): Buffer {
  const rgba = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      rgba.set([255, 255, 255, Math.round(255 * coverage(x, y, size))], i);
    }
  }
  return encodePng(size, size, rgba);
}
