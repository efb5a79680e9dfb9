/**
 * Loads VGG19's convolution weights for the texture stage from a safetensors file: the store's
 * `vgg19-conv` file (see manifest.ts), or a full torchvision/timm vgg19 file. Tensors are keyed by their
 * torchvision names (`features.0.weight` [64, 3, 3, 3], `features.0.bias` [64], …).
 */
import { endianness } from 'node:os';
import path from 'node:path';
import { StudioError } from '../app/common/errors';
import { readRecord } from './record';
import { readSafetensors, readSafetensorsHeader, type TensorData } from './safetensors';
import { digestMismatch, digestTensors, matchTensors } from './tensorContent';
import { VGG19_TEXTURE_LAYERS, vgg19Tensors, type Vgg19ConvLayer } from './vgg19Layers';

export { VGG19_CONV_LAYERS, VGG19_TEXTURE_LAYERS, vgg19Tensors, type Vgg19ConvLayer } from './vgg19Layers';

export interface Vgg19Tensor {
  shape: number[];
  data: Float32Array;
}

export interface LoadVgg19Options {
  /** The layers to load (default conv1_1 … conv4_4, what `vgg19-conv` holds). */
  layers?: readonly Vgg19ConvLayer[];
  /**
   * The content SHA-256 (tensorContent.ts) the loaded tensors must have, in the order of `layers`.
   * Default: when the file lies in a store folder whose record (model.json) names it, the hashes
   * recorded at install — pinned by the manifest or, for a model installed on trust on first use,
   * recorded then. `false` skips the check.
   */
  expectedContentSha256?: string | false;
}

/**
 * The weights and biases of `layers`, keyed `features.<index>.weight` / `.bias`, as float32.
 * @throws StudioError IO when the file cannot be read; MODEL_INTEGRITY when it is not a valid
 *   safetensors file, a tensor is missing or has another dtype or shape (the message names it), the
 *   store marked the model corrupt, or the tensors' hash differs from the expected one (the message
 *   names the tensor when the record lists per-tensor hashes).
 */
export async function loadVgg19Weights(
  file: string,
  options: LoadVgg19Options = {},
): Promise<Map<string, Vgg19Tensor>> {
  const required = vgg19Tensors(options.layers ?? VGG19_TEXTURE_LAYERS);
  const header = await readSafetensorsHeader(file);
  matchTensors(header, required, file, "VGG19's convolution weights");
  const expected = await expectedDigest(file, options.expectedContentSha256);
  const names = expected?.tensors?.map((t) => t.name) ?? required.map((r) => r.name);
  const wanted = new Set(required.map((r) => r.name));
  const read = await readSafetensors(file, [...new Set([...names, ...wanted])]);
  if (expected) {
    const byName = new Map(read.map((t) => [t.name, t]));
    const problem = digestMismatch(expected, digestTensors(names.map((n) => byName.get(n)!)));
    if (problem) {
      throw new StudioError(
        'MODEL_INTEGRITY',
        `${file} does not hold the VGG19 weights that were verified at install: ${problem}. Run ` +
          '`inpaint-studio models verify` and download or import vgg19-conv again.',
      );
    }
  }
  const out = new Map<string, Vgg19Tensor>();
  for (const t of read) if (wanted.has(t.name)) out.set(t.name, { shape: [...t.shape], data: toFloat32(t) });
  return out;
}

/** The digest the file must match: the caller's, the store record's, or none. */
async function expectedDigest(
  file: string,
  option: string | false | undefined,
): Promise<{ contentSha256: string; tensors?: { name: string; sha256: string }[] } | null> {
  if (option === false) return null;
  if (typeof option === 'string') return { contentSha256: option };
  const rec = await readRecord(path.dirname(path.resolve(file)));
  if (!rec || rec.file !== path.basename(file) || !rec.contentSha256) return null;
  if (rec.status === 'corrupt') {
    throw new StudioError(
      'MODEL_INTEGRITY',
      `${file} failed its integrity check (\`inpaint-studio models verify\`); download or import ${rec.id} again.`,
    );
  }
  return { contentSha256: rec.contentSha256, tensors: rec.tensors };
}

function toFloat32(t: TensorData): Float32Array {
  const n = t.data.byteLength / 4;
  const out = new Float32Array(n);
  if (endianness() === 'LE') {
    new Uint8Array(out.buffer).set(t.data);
  } else {
    const view = new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
  }
  return out;
}
