/** `npm run gallery`: writes every stage's image strips under docs/gallery/. */
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
const galleries = [
  lamaGallery,
  embeddedFillGallery,
  regionsGallery,
  () => blockmatchGallery(),
  textureGallery,
  colorGallery,
];
for (const g of galleries) for (const f of await g()) process.stdout.write(`wrote ${f}\n`);
