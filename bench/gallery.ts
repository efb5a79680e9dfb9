/**
 * `npm run gallery [-- name …]`: writes the image strips of every stage (or only the named ones: lama,
 * embedded-fill, regions, blockmatch, texture, color) under docs/gallery/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { embeddedFillGallery } from './gallery/embeddedFill';
import { FIXTURES, GALLERY, lamaGallery } from './gallery/lama';
import { regionsGallery } from './gallery/regions';
import { blockmatchGallery } from './gallery/blockmatch';
import { colorGallery } from './gallery/color';
import { textureGallery } from './gallery/texture';

if (!existsSync(FIXTURES)) {
  process.stderr.write(`The fixture folder ${FIXTURES} is missing; the gallery needs it.\n`);
  process.exit(2);
}
mkdirSync(GALLERY, { recursive: true });
const galleries: Record<string, () => Promise<string[]>> = {
  lama: lamaGallery,
  'embedded-fill': embeddedFillGallery,
  regions: regionsGallery,
  blockmatch: () => blockmatchGallery(),
  texture: textureGallery,
  color: colorGallery,
};
const only = process.argv.slice(2);
const unknown = only.filter((n) => !(n in galleries));
if (unknown.length) {
  process.stderr.write(
    `Unknown gallery ${unknown.join(', ')}; choose from ${Object.keys(galleries).join(', ')}.\n`,
  );
  process.exit(2);
}
for (const [name, g] of Object.entries(galleries))
  if (!only.length || only.includes(name)) for (const f of await g()) process.stdout.write(`wrote ${f}\n`);
