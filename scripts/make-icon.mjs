// Draws the extension's icon (images/icon.png, 128×128 RGBA, as the VS Code Marketplace and Open
// VSX ask) from shapes, so it can be regenerated without an image editor: three lanes (threads,
// processes) under a lens. PNG encoding is node:zlib and the PNG chunk format; 4×4 supersampling.
//
//   node scripts/make-icon.mjs            writes images/icon.png
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SAMPLES = 4;

const hex = (h) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16), 255];
const BACKGROUND = hex('#1f2f4a');
const LANES = [hex('#4fc3f7'), hex('#ffb74d'), hex('#81c784')];
const LENS = hex('#ffffff');

function inRoundedSquare(x, y, r) {
  const cx = Math.min(Math.max(x, r), SIZE - r);
  const cy = Math.min(Math.max(y, r), SIZE - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** The colour at a point, or null outside the icon (transparent). Later shapes paint over earlier ones. */
function colourAt(x, y) {
  if (!inRoundedSquare(x, y, 22)) return null;
  let colour = BACKGROUND;
  LANES.forEach((lane, i) => {
    const top = 30 + i * 26;
    if (y >= top && y <= top + 12 && x >= 18 && x <= 110) colour = lane;
  });
  // The lens: a ring centred on the middle lane, and its handle towards the lower right.
  const d = Math.hypot(x - 58, y - 62);
  if (d <= 24) colour = colour === BACKGROUND ? hex('#2c4468') : colour;
  if (d >= 24 && d <= 31) colour = LENS;
  const along = ((x - 80) + (y - 84)) / Math.SQRT2;
  const across = Math.abs((x - 80) - (y - 84)) / Math.SQRT2;
  if (along >= 0 && along <= 30 && across <= 6) colour = LENS;
  return colour;
}

const pixels = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
  const row = y * (SIZE * 4 + 1);
  pixels[row] = 0; // filter: none
  for (let x = 0; x < SIZE; x++) {
    const sum = [0, 0, 0, 0];
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const c = colourAt(x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES);
        if (!c) continue;
        for (let k = 0; k < 3; k++) sum[k] += c[k];
        sum[3] += 255;
      }
    }
    const covered = sum[3] / 255;
    const at = row + 1 + x * 4;
    for (let k = 0; k < 3; k++) pixels[at + k] = covered ? Math.round(sum[k] / covered) : 0;
    pixels[at + 3] = Math.round(sum[3] / (SAMPLES * SAMPLES));
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(pixels, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'images', 'icon.png');
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
