/**
 * Every downloadable model: where it comes from (pinned to a revision), its exact size and SHA-256, its
 * licence and its tensors. A model is usable only after its bytes match `bytes` and `sha256` here; the
 * URL may move (a mirror, a proxy) but the hash is the contract.
 *
 * Two kinds: a whole file (an ONNX model, hashed whole), and a tensor model (`kind: 'tensors'`): a few
 * tensors taken out of a large safetensors file by HTTP Range requests and installed as a small
 * safetensors file of their own, pinned by their content SHA-256 (tensorContent.ts).
 */
import type { ConventionId } from './conventionId';
import { extractedFileBytes, type TensorRequirement } from './tensorContent';
import { vgg19Tensors } from './vgg19Layers';

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

interface ModelEntryBase {
  /** Store key and CLI name: lower-case letters, digits, '.', '_' and '-'. */
  id: string;
  purpose: ModelPurpose;
  label: string;
  /** The inpainting adapter that fits it (a hint: the adapter is still chosen from the model's metadata). */
  convention?: ConventionId;
  /** Download URL pinned to a revision. */
  url: string;
  /** Size of the installed file. */
  bytes: number;
  /** SPDX identifier. */
  licence: string;
  homepage: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  notes?: string;
}

/** A model installed as the file its URL names; the last path segment is the installed file's name. */
export interface FileModelEntry extends ModelEntryBase {
  kind?: 'file';
  /** Lower-case hex SHA-256 of the whole file. */
  sha256: string;
}

/**
 * Tensors taken out of the safetensors file at `url` (only their byte ranges are fetched) and installed
 * as `file`, a safetensors file holding exactly `tensors` in this order (`bytes` is its size).
 */
export interface TensorModelEntry extends ModelEntryBase {
  kind: 'tensors';
  /** Installed file name. */
  file: string;
  /** What the tensors are, for messages ("VGG19's convolution weights conv1_1 … conv4_4"). */
  contentLabel: string;
  tensors: readonly TensorRequirement[];
  /**
   * Content SHA-256 of `tensors` (see tensorContent.ts), checked after every download and import and by
   * `models verify`. Null when it is not known: `unpinnedReason` says why, and the store installs the
   * model only when the user opts in (trust on first use) or imports the verified source file.
   */
  contentSha256: string | null;
  unpinnedReason?: string;
  /** SHA-256 of the whole source file when known: importing that file is then verified by it. */
  sourceSha256: string | null;
  /** Exact size of the source file when known: a server announcing another size is refused. */
  sourceBytes: number | null;
}

export type ModelEntry = FileModelEntry | TensorModelEntry;

/** True for a tensor model (fetched by byte ranges, pinned by its content hash). */
export function isTensorModel(entry: ModelEntry): entry is TensorModelEntry {
  return entry.kind === 'tensors';
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
    // The Carve network quantised: trained on RGB, so it takes RGB like lama-fp32. OpenCV's demo feeds it
    // BGR (blobFromImage(image, 1/255, swapRB=false)), which is only the demo's habit: fed BGR, reds and
    // blues trade places in the fill.
    convention: 'lama-fixed-rgb',
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
      { name: 'image', dtype: 'float32', dims: [1, 3, 512, 512], range: 'RGB 0..1' },
      { name: 'mask', dtype: 'float32', dims: [1, 1, 512, 512], range: '> 0 = hole (feed 0 or 1)' },
    ],
    outputs: [{ name: 'output', dtype: 'float32', dims: [1, 3, 512, 512], range: 'RGB 0..255' }],
    notes:
      'The Carve LaMa export block-quantised to int8 weights by OpenCV (models/inpainting_lama in ' +
      "opencv_zoo), so RGB in and out like the Carve export; OpenCV's demo feeds BGR, the network was " +
      "trained on RGB. Input names are those OpenCV's demo sets; the output name is from a third-party user " +
      'and the export it derives from, so the adapter should read names and dims from the session.',
  },
  vgg19ConvEntry(),
];

/** The VGG19 convolution weights the texture stage uses (torchvision's ImageNet weights, via timm). */
function vgg19ConvEntry(): TensorModelEntry {
  const tensors = vgg19Tensors();
  return {
    id: 'vgg19-conv',
    kind: 'tensors',
    purpose: 'features',
    label: 'VGG19 convolutions conv1_1 … conv4_4 (torchvision ImageNet weights, float32)',
    // timm's copy of torchvision's vgg19 weights, revision 128d470… ("Add model"), the commit that
    // last changed model.safetensors. Its LFS details give the whole file's SHA-256 below and "575 MB";
    // the exact byte count was not found, so it is not pinned.
    url: 'https://huggingface.co/timm/vgg19.tv_in1k/resolve/128d4708565b3a414bcbb9bbad440b2fe37b9f18/model.safetensors',
    file: 'vgg19-conv.safetensors',
    bytes: extractedFileBytes(tensors),
    contentLabel: "VGG19's convolution weights conv1_1 … conv4_4",
    tensors,
    contentSha256: null,
    unpinnedReason:
      'the content SHA-256 of these tensors has not been computed yet: it needs the real file, which ' +
      'could not be downloaded where this manifest was written. The source file itself is pinned ' +
      '(revision and whole-file SHA-256), so importing that file is verified.',
    sourceSha256: '11aea017b543ff59233749d8f1cf544cda749378f5790d2fedab841fb86b7669',
    sourceBytes: null,
    licence: 'BSD-3-Clause',
    homepage: 'https://huggingface.co/timm/vgg19.tv_in1k',
    inputs: [],
    outputs: [],
    notes:
      "torchvision's vgg19 ImageNet weights (IMAGENET1K_V1) as timm publishes them; timm names the " +
      'convolutions features.N.weight / features.N.bias like torchvision. Only the first 12 convolutions ' +
      '(42 MB of the 575 MB file) are fetched; the classifier is not. Inputs: RGB normalised with the ' +
      'ImageNet mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225).',
  };
}

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** True when `id` may name a model (and so a folder in the store): 1-64 of [a-z0-9._-], not starting with '.', '_' or '-'. */
export function isValidModelId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** The manifest entry for `id`, or undefined. */
export function findModel(id: string, manifest: readonly ModelEntry[] = MANIFEST): ModelEntry | undefined {
  return manifest.find((m) => m.id === id);
}

/**
 * The installed file's name: a tensor model's `file`, else the last path segment of the entry's URL
 * (e.g. `lama_fp32.onnx`).
 */
export function modelFileName(entry: ModelEntry | Pick<FileModelEntry, 'url'>): string {
  if ('kind' in entry && entry.kind === 'tensors') return entry.file;
  const segments = new URL(entry.url).pathname.split('/');
  return decodeURIComponent(segments[segments.length - 1] ?? '') || 'model.onnx';
}
