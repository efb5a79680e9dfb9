/**
 * Gallery strips: labelled panels side by side in one PNG (input with the hole shown, results, truth),
 * for looking at what a stage does. Used by `npm run gallery`.
 */
import sharp, { type OverlayOptions } from 'sharp';
import { writeFileAtomic } from '../app/image/atomicWrite';
import { planarToInterleaved } from '../app/image/convert';
import { resizeImage, resizeMask } from '../app/image/resize';
import type { Mask, RgbImage } from '../app/image/types';

export interface StripPanel {
  label: string;
  image: RgbImage;
  /** Shown as a translucent magenta overlay (the hole on an input panel). */
  hole?: Mask;
}

const GAP = 8;
const FONT = 16;
/** DejaVu Sans's mean advance is about 0.6 em; a little more so that a wrapped line never overruns. */
const CHAR_WIDTH = 0.62;
const LINE = 1.2;

/**
 * A label laid out in `width` pixels: wrapped at spaces into lines, and the font shrunk (to 10 px at
 * least) when a word is still wider, so that labels of narrow panels never run into their neighbours.
 */
export function layoutLabel(label: string, width: number): { lines: string[]; fontSize: number } {
  const words = label.split(/\s+/).filter(Boolean);
  const longest = Math.max(1, ...words.map((w) => w.length));
  const fontSize = Math.max(10, Math.min(FONT, Math.floor(width / (longest * CHAR_WIDTH))));
  const perLine = Math.max(1, Math.floor(width / (fontSize * CHAR_WIDTH)));
  const lines: string[] = [];
  for (const w of words) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + w.length <= perLine) lines[last] += ` ${w}`;
    else lines.push(w);
  }
  return { lines: lines.length ? lines : [''], fontSize };
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Scales a panel to `height` and paints its hole overlay. */
function renderPanel(p: StripPanel, height: number): RgbImage {
  const w = Math.max(1, Math.round((p.image.width * height) / p.image.height));
  const img =
    p.image.height === height ? { ...p.image, data: p.image.data.slice() } : resizeImage(p.image, w, height);
  if (p.hole) {
    const hole = p.hole.height === height ? p.hole : resizeMask(p.hole, w, height);
    const n = w * height;
    const tint = [1, 0, 1];
    for (let i = 0; i < n; i++)
      if (hole.data[i])
        for (let c = 0; c < 3; c++) img.data[c * n + i] = 0.35 * img.data[c * n + i] + 0.65 * tint[c];
  }
  return img;
}

/**
 * Writes the panels side by side, each scaled to `height` pixels, with its label above it.
 * @throws StudioError IMAGE_WRITE when the file cannot be written.
 */
export async function saveStrip(path: string, panels: readonly StripPanel[], height = 360): Promise<void> {
  const rendered = panels.map((p) => renderPanel(p, height));
  const layouts = rendered.map((r, i) => layoutLabel(panels[i].label, r.width - 4));
  const labelHeight = Math.ceil(
    Math.max(...layouts.map((l) => l.lines.length * l.fontSize * LINE)) + 0.4 * FONT,
  );
  const width = rendered.reduce((s, r) => s + r.width, 0) + GAP * (rendered.length + 1);
  const total = height + labelHeight + GAP * 2;
  const layers: OverlayOptions[] = [];
  let x = GAP;
  const labels: string[] = [];
  for (let i = 0; i < rendered.length; i++) {
    const r = rendered[i];
    const raw = Buffer.from(planarToInterleaved(r, undefined, 8).buffer);
    layers.push({
      input: raw,
      raw: { width: r.width, height: r.height, channels: 3 },
      left: x,
      top: GAP + labelHeight,
    });
    const { lines, fontSize } = layouts[i];
    lines.forEach((line, k) =>
      labels.push(
        `<text x="${x + 2}" y="${GAP + Math.round((k + 1) * fontSize * LINE - 0.2 * fontSize)}" font-size="${fontSize}" font-family="DejaVu Sans, sans-serif" fill="#222">${escapeXml(line)}</text>`,
      ),
    );
    x += r.width + GAP;
  }
  layers.push({
    input: Buffer.from(`<svg width="${width}" height="${total}">${labels.join('')}</svg>`),
    left: 0,
    top: 0,
  });
  const png = await sharp({ create: { width, height: total, channels: 3, background: '#f4f4f4' } })
    .composite(layers)
    .png()
    .toBuffer();
  await writeFileAtomic(path, png);
}
