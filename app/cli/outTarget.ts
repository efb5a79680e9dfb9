/**
 * `run --out` checks, made before any image loads or stage runs: the output must be writable where it
 * points (its folder exists, its extension names a format), have the right kind (a file for one image,
 * a folder for a batch) and never be an input (the original image or a mask, through a symbolic link, a
 * hard link or a case variant included: app/image/sameFile.ts).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../common/errors';
import { sameFile } from '../image/sameFile';
import { formatFromPath } from '../image/save';

const statOrNull = (p: string) => stat(p).catch(() => null);

/**
 * Checks a single image's --out.
 * @throws StudioError PARAM_INVALID naming --out and the problem: an existing folder, no extension or an
 *   unknown one, a missing parent folder, or the same file as `image` or `mask`.
 */
export async function checkSingleOut(out: string, image: string, mask: string): Promise<void> {
  const st = await statOrNull(out);
  if (st?.isDirectory()) {
    throw new StudioError(
      'PARAM_INVALID',
      `--out ${out} is a folder, but --image ${image} is one file: name the output file, e.g. ${path.join(out, path.basename(image))}`,
    );
  }
  try {
    formatFromPath(out);
  } catch (e) {
    throw new StudioError('PARAM_INVALID', `--out: ${(e as Error).message}`, { cause: e });
  }
  const parent = path.dirname(path.resolve(out));
  const pst = await statOrNull(parent);
  if (!pst?.isDirectory()) {
    throw new StudioError(
      'PARAM_INVALID',
      `Cannot write --out ${out}: the folder ${parent} ${pst ? 'is not a folder' : 'does not exist'}`,
    );
  }
  await checkNotInput(out, image, mask);
}

/**
 * Checks one output file against its inputs (the batch checks every job with it).
 * @throws StudioError PARAM_INVALID naming both files when `out` is the same file as `image` or `mask`.
 */
export async function checkNotInput(out: string, image: string, mask: string): Promise<void> {
  if (await sameFile(image, out)) {
    throw new StudioError(
      'PARAM_INVALID',
      `Refusing to overwrite the original ${image}: --out ${out} is the same file; choose another --out`,
    );
  }
  if (await sameFile(mask, out)) {
    throw new StudioError(
      'PARAM_INVALID',
      `Refusing to overwrite the mask ${mask}: --out ${out} is the same file; choose another --out`,
    );
  }
}

/**
 * Checks a batch's --out folder (it may not exist yet: the run creates it).
 * @throws StudioError PARAM_INVALID naming --out when it is an existing file, or the image folder or the
 *   mask folder (the results would replace the originals or the masks).
 */
export async function checkBatchOut(out: string, imageDir: string, mask: string): Promise<void> {
  const st = await statOrNull(out);
  if (st && !st.isDirectory()) {
    throw new StudioError(
      'PARAM_INVALID',
      `--out ${out} is a file, but --image ${imageDir} is a folder: --out must name a folder for a batch`,
    );
  }
  if (await sameFile(imageDir, out)) {
    throw new StudioError(
      'PARAM_INVALID',
      `Refusing to write into the image folder: --out ${out} is --image ${imageDir}, so the results would replace the originals; choose another --out`,
    );
  }
  if ((await statOrNull(mask))?.isDirectory() && (await sameFile(mask, out))) {
    throw new StudioError(
      'PARAM_INVALID',
      `Refusing to write into the mask folder: --out ${out} is --mask ${mask}, so the results would replace the masks; choose another --out`,
    );
  }
}
