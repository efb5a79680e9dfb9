/**
 * Every downloadable model: where it comes from (pinned to a revision), its exact size and SHA-256, its
 * licence and its tensors. A model is usable only after its bytes match `bytes` and `sha256` here; the
 * URL may move (a mirror, a proxy) but the hash is the contract.
 */
import type { ConventionId } from '../app/stages/lama/conventions/types';

export type ModelPurpose = 'inpaint' | 'features';

export const MODEL_PURPOSES: readonly ModelPurpose[] = ['inpaint', 'features'];

export type TensorDType = 'float32' | 'float16' | 'uint8' | 'int8' | 'int32' | 'int64' | 'bool';

export interface TensorSpec {
  name: string;
  dtype: TensorDType;
  /** Numbers are fixed sizes; strings name symbolic dimensions (e.g. 'N' for the batch). */
  dims: (number | string)[];
  /** Value range and meaning in words, e.g. 'RGB 0..1' or '1 = hole'. */
  range: string;
}

export interface ModelEntry {
  /** Store key and CLI name: lower-case letters, digits, '.', '_' and '-'. */
  id: string;
  purpose: ModelPurpose;
  label: string;
  /** The inpainting adapter that fits it (a hint: the adapter is still chosen from the model's metadata). */
  convention?: ConventionId;
  /** Download URL pinned to a revision; the last path segment is the installed file's name. */
  url: string;
  bytes: number;
  /** Lower-case hex SHA-256 of the whole file. */
  sha256: string;
  /** SPDX identifier. */
  licence: string;
  homepage: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  notes?: string;
}

/** The model `inpaint` runs when the user names none. */
export const DEFAULT_INPAINT_MODEL_ID = 'lama-fp32';

export const MANIFEST: readonly ModelEntry[] = [
  {
    id: 'lama-fp32',
    purpose: 'inpaint',
    label: 'Big LaMa (fp32, 512x512)',
    convention: 'lama-fixed-rgb',
    // Revision c3c0c9e… of Carve/LaMa-ONNX: an earlier upload of lama_fp32.onnx had the same size and
    // another hash, so `main` is not a stable name for these bytes.
    url: 'https://huggingface.co/Carve/LaMa-ONNX/resolve/c3c0c9e468934d62e79c329e35d82dd09ff8c444/lama_fp32.onnx',
    bytes: 208_044_816,
    sha256: '1faef5301d78db7dda502fe59966957ec4b79dd64e16f03ed96913c7a4eb68d6',
    licence: 'Apache-2.0',
    homepage: 'https://huggingface.co/Carve/LaMa-ONNX',
    inputs: [
      { name: 'image', dtype: 'float32', dims: ['N', 3, 512, 512], range: 'RGB 0..1' },
      { name: 'mask', dtype: 'float32', dims: ['N', 1, 512, 512], range: '1 = hole, 0 = keep' },
    ],
    outputs: [
      {
        name: 'output',
        dtype: 'float32',
        dims: ['N', 3, 512, 512],
        range: 'RGB 0..255, already composited (known pixels come from the input)',
      },
    ],
    notes:
      'Big LaMa (advimman/lama) exported to ONNX by Carve-Photos with an FFT that ONNX can express. ' +
      'Opset 17; fixed 512x512 input.',
  },
  {
    id: 'lama-opencv-int8',
    purpose: 'inpaint',
    label: 'LaMa, OpenCV Zoo block-quantised int8 (512x512, smaller, for CPU)',
    convention: 'lama-fixed-bgr',
    // Hugging Face mirror of OpenCV Zoo's file, revision aee6d22…. The same bytes are in the opencv_zoo
    // GitHub repository as a Git LFS object (pointer at commit 966be4cb6eefc2a4f586ed0581bf4bbaa2533070:
    // oid sha256:7df918…, size 92591623), served from
    // https://media.githubusercontent.com/media/opencv/opencv_zoo/966be4cb6eefc2a4f586ed0581bf4bbaa2533070/models/inpainting_lama/inpainting_lama_2025jan.onnx
    url: 'https://huggingface.co/opencv/inpainting_lama/resolve/aee6d22f0a13e5e35af1c9a1c3afd62841fc6f3f/inpainting_lama_2025jan.onnx',
    bytes: 92_591_623,
    sha256: '7df918ac3921d3daf0aae1d219776cf0dc4e4935f035af81841b40adcf74fdf2',
    licence: 'Apache-2.0',
    homepage: 'https://github.com/opencv/opencv_zoo/tree/main/models/inpainting_lama',
    inputs: [
      { name: 'image', dtype: 'float32', dims: [1, 3, 512, 512], range: 'BGR 0..1' },
      { name: 'mask', dtype: 'float32', dims: [1, 1, 512, 512], range: '> 0 = hole (feed 0 or 1)' },
    ],
    outputs: [{ name: 'output', dtype: 'float32', dims: [1, 3, 512, 512], range: 'BGR 0..255' }],
    notes:
      'The Carve LaMa export block-quantised to int8 weights by OpenCV (models/inpainting_lama in ' +
      "opencv_zoo). Input names are those OpenCV's demo sets; the output name is from a third-party user " +
      'and the export it derives from, so the adapter should read names and dims from the session.',
  },
];

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** True when `id` may name a model (and so a folder in the store): 1-64 of [a-z0-9._-], not starting with '.', '_' or '-'. */
export function isValidModelId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** The manifest entry for `id`, or undefined. */
export function findModel(id: string, manifest: readonly ModelEntry[] = MANIFEST): ModelEntry | undefined {
  return manifest.find((m) => m.id === id);
}

/** The installed file's name: the last path segment of the entry's URL (e.g. `lama_fp32.onnx`). */
export function modelFileName(entry: Pick<ModelEntry, 'url'>): string {
  const segments = new URL(entry.url).pathname.split('/');
  return decodeURIComponent(segments[segments.length - 1] ?? '') || 'model.onnx';
}
