/**
 * Builders of the generated inpainting models: one per convention of
 * app/stages/lama/conventions/types.ts, each with the real model family's tensor names, dtypes,
 * shapes and value ranges around the shared convolutional fill (fillNetwork.ts).
 *
 * Real signatures they copy (see the issue note for sources):
 * - lama-fixed-rgb: Carve/LaMa-ONNX `lama_fp32.onnx`: image float32 [N,3,512,512] RGB 0..1,
 *   mask float32 [N,1,512,512] 1 = hole, output `output` float32 0..255, composited.
 * - lama-fixed-bgr: OpenCV Zoo `inpainting_lama_2025jan.onnx` (derived from the Carve export; the
 *   demo feeds `image` = blobFromImage(bgr, 1/255, swapRB=false) and `mask` = (mask > 0)): the same
 *   names and shapes with batch 1 and BGR colour order; output 0..255 in BGR.
 * - lama-dynamic-4ch: one input float32 [1,4,H,W] = masked RGB + mask (1 = hole), H and W dynamic
 *   (multiples of 32); output float32 [1,3,H,W] in 0..1.
 * - migan: MI-GAN's ONNX pipeline (scripts/create_onnx_pipeline.py): `image` uint8 [B,3,H,W] RGB,
 *   `mask` uint8 [B,1,H,W] 255 = known, output `result` uint8 [B,3,H,W], composited, any size.
 */
import type { ConventionId } from '../conventionId';
import { addFill } from './fillNetwork';
import { GraphBuilder } from '../../app/graph/onnxBuilder';

export const GENERATED_PRODUCER = 'inpaint-studio/native-models/generated';
/** Bump when a builder changes in a way its output bytes would not show (they are hashed anyway). */
export const GENERATED_VERSION = '1';

function metadata(convention: ConventionId, colorOrder: 'RGB' | 'BGR'): Record<string, string> {
  return {
    'inpaint_studio.generated': 'true',
    'inpaint_studio.convention': convention,
    'inpaint_studio.color_order': colorOrder,
  };
}

function finish(
  g: GraphBuilder,
  convention: ConventionId,
  colorOrder: 'RGB' | 'BGR',
  doc: string,
): Uint8Array {
  return g.build({
    metadata: metadata(convention, colorOrder),
    producerName: GENERATED_PRODUCER,
    producerVersion: GENERATED_VERSION,
    docString: doc,
  });
}

/** float32 image [N,3,512,512] 0..1 + float32 mask (1 or > 0 = hole) -> float32 0..255 composited. */
function buildFixed512(convention: 'lama-fixed-rgb' | 'lama-fixed-bgr'): Uint8Array {
  const bgr = convention === 'lama-fixed-bgr';
  const batch: number | string = bgr ? 1 : 'batch';
  const g = new GraphBuilder(convention.replace(/-/g, '_'));
  const image = g.input('image', 'float32', [batch, 3, 512, 512]);
  const mask = g.input('mask', 'float32', [batch, 1, 512, 512]);
  // Known weight: the RGB model takes 1 = hole (fractions blend, as LaMa's own blend does); the
  // OpenCV model counts any value > 0 as a hole.
  const one = g.scalar(1, 'one');
  const zero = g.scalar(0, 'zero');
  const hole = bgr
    ? g.op('Cast', [g.op('Greater', [mask, zero])], { to: 1 })
    : g.op('Clip', [mask, zero, one]);
  const known = g.op('Sub', [one, hole]);
  const filled = addFill(g, image, known);
  const out = g.op('Mul', [filled, g.scalar(255, 'to255')]);
  g.output(out, 'output', 'float32', [batch, 3, 512, 512]);
  return finish(
    g,
    convention,
    bgr ? 'BGR' : 'RGB',
    `Generated ${convention} inpainting test model (push-pull fill).`,
  );
}

export function buildLamaFixedRgb(): Uint8Array {
  return buildFixed512('lama-fixed-rgb');
}

export function buildLamaFixedBgr(): Uint8Array {
  return buildFixed512('lama-fixed-bgr');
}

/** One float32 input [1,4,H,W]: RGB with holes zeroed + mask (1 = hole) -> float32 [1,3,H,W] 0..1. */
export function buildLamaDynamic4ch(): Uint8Array {
  const g = new GraphBuilder('lama_dynamic_4ch');
  const input = g.input('input', 'float32', [1, 4, 'height', 'width']);
  const split = g.int64s('split_rgb_mask', [2], [3, 1]);
  const [rgb, mask] = g.node('Split', [input, split], { axis: 1 }, 2);
  const zero = g.scalar(0, 'zero');
  const one = g.scalar(1, 'one');
  const known = g.op('Sub', [one, g.op('Clip', [mask, zero, one])]);
  const filled = addFill(g, rgb, known);
  g.output(g.op('Clip', [filled, zero, one]), 'output', 'float32', [1, 3, 'height', 'width']);
  return finish(
    g,
    'lama-dynamic-4ch',
    'RGB',
    'Generated lama-dynamic-4ch inpainting test model (push-pull fill).',
  );
}

/** uint8 image [B,3,H,W] + uint8 mask [B,1,H,W] (255 = known, 0 = hole) -> uint8 [B,3,H,W] composited. */
export function buildMigan(): Uint8Array {
  const g = new GraphBuilder('migan');
  const dims = (c: number) => ['batch_size', c, 'height', 'width'];
  const image = g.input('image', 'uint8', dims(3));
  const mask = g.input('mask', 'uint8', dims(1));
  const inv255 = g.scalar(1 / 255, 'inv255');
  const x = g.op('Mul', [g.op('Cast', [image], { to: 1 }), inv255]);
  // As MI-GAN's pipeline: the known weight is mask / 255 (its read_mask makes anything < 255 a hole).
  const known = g.op('Mul', [g.op('Cast', [mask], { to: 1 }), inv255]);
  const filled = addFill(g, x, known);
  const scaled = g.op('Round', [g.op('Mul', [filled, g.scalar(255, 'to255')])]);
  const clipped = g.op('Clip', [scaled, g.scalar(0, 'zero'), g.scalar(255, 'max255')]);
  g.output(g.op('Cast', [clipped], { to: 2 }), 'result', 'uint8', dims(3));
  return finish(g, 'migan', 'RGB', 'Generated MI-GAN-signature inpainting test model (push-pull fill).');
}
