/** `npm run gallery`: writes every stage's image strips under docs/gallery/. */
import { existsSync, mkdirSync } from 'node:fs';
import { embeddedFillGallery } from './gallery/embeddedFill';
import { FIXTURES, GALLERY, lamaGallery } from './gallery/lama';

if (!existsSync(FIXTURES)) {
  process.stderr.write(`The fixture folder ${FIXTURES} is missing; the gallery needs it.\n`);
  process.exit(2);
}
mkdirSync(GALLERY, { recursive: true });
for (const f of [...(await lamaGallery()), ...(await embeddedFillGallery())])
  process.stdout.write(`wrote ${f}\n`);
