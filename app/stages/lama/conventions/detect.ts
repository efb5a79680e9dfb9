/**
 * Chooses a model's convention from the model itself.
 *
 * Order of evidence:
 * 1. `hint`: the convention a manifest entry declares for the model. It must fit the model's
 *    signature. Nothing inside a fixed 512x512 LaMa file says which colour order it wants, so the
 *    hint (or the first-use self-check, selfCheck.ts) decides. The OpenCV Zoo int8 LaMa
 *    (inpainting_lama_2025jan.onnx) is the Carve network quantised, trained on RGB, so its entry
 *    declares 'lama-fixed-rgb' (OpenCV's demo feeds it BGR, but that is the demo's habit).
 * 2. metadata_props `inpaint_studio.convention` (the generated models carry it), then
 *    `inpaint_studio.color_order` = BGR for a fixed LaMa signature.
 * 3. The signature alone: two uint8 inputs -> migan; one float32 [1,4,H,W] input -> lama-dynamic-4ch;
 *    float32 image + mask at 512x512 -> lama-fixed-rgb (the common export).
 */
import { StudioError } from '../../../common/errors';
import type { ModelSession, TensorInfo } from '../../../ort/types';
import { createLamaDynamic4chAdapter } from './lamaDynamic4ch';
import { createLamaFixedAdapter } from './lamaFixed';
import { createMiganAdapter } from './migan';
import { CONVENTION_IDS, EXPECTED, familyOf, matchFamily, type Binding } from './signatures';
import type { ConventionId, InpaintAdapter, Reading } from './types';

export const CONVENTION_METADATA_KEY = 'inpaint_studio.convention';
export const COLOR_ORDER_METADATA_KEY = 'inpaint_studio.color_order';

export function isConventionId(v: unknown): v is ConventionId {
  return typeof v === 'string' && (CONVENTION_IDS as readonly string[]).includes(v);
}

/**
 * @param hint the convention the model's manifest entry declares, if any
 * @param reading how to read the model (colour order, output range, mask polarity) when not the
 *   convention's default: what the self-check found (selfCheck.ts)
 * @throws StudioError MODEL_UNSUPPORTED when the model matches no convention (or not the declared
 *   one); the message lists the model's inputs and outputs and what each convention expects.
 */
export function createAdapter(session: ModelSession, hint?: ConventionId, reading?: Reading): InpaintAdapter {
  const declared = hint ?? metadataConvention(session);
  if (declared) {
    const binding = matchFamily(familyOf(declared), session.inputs, session.outputs);
    if (!binding) {
      const by = hint ? 'its manifest entry' : `its metadata (${CONVENTION_METADATA_KEY})`;
      throw unsupported(
        session,
        `It is declared as ${declared} by ${by}, but its tensors do not fit: ${declared} expects ${EXPECTED[declared]}.`,
      );
    }
    return adapterFor(declared, session, binding, reading);
  }
  for (const family of ['migan', 'lama-dynamic-4ch', 'lama-fixed'] as const) {
    const binding = matchFamily(family, session.inputs, session.outputs);
    if (!binding) continue;
    if (family !== 'lama-fixed') return adapterFor(family, session, binding, reading);
    const bgr = session.metadata[COLOR_ORDER_METADATA_KEY]?.toUpperCase() === 'BGR';
    return adapterFor(bgr ? 'lama-fixed-bgr' : 'lama-fixed-rgb', session, binding, reading);
  }
  throw unsupported(
    session,
    `Known conventions expect: ${CONVENTION_IDS.map((c) => `${c}: ${EXPECTED[c]}`).join('; ')}.`,
  );
}

function metadataConvention(session: ModelSession): ConventionId | undefined {
  const v = session.metadata[CONVENTION_METADATA_KEY];
  return isConventionId(v) ? v : undefined;
}

function adapterFor(
  convention: ConventionId,
  session: ModelSession,
  binding: Binding,
  reading?: Reading,
): InpaintAdapter {
  switch (convention) {
    case 'lama-fixed-rgb':
    case 'lama-fixed-bgr':
      return createLamaFixedAdapter(session, binding, convention, reading);
    case 'lama-dynamic-4ch':
      return createLamaDynamic4chAdapter(session, binding, reading);
    case 'migan':
      return createMiganAdapter(session, binding, reading);
  }
}

function describe(list: readonly TensorInfo[]): string {
  return list.length === 0
    ? 'none'
    : list.map((t) => `${t.name} ${t.dtype} [${t.dims.join(',')}]`).join(', ');
}

function unsupported(session: ModelSession, detail: string): StudioError {
  return new StudioError(
    'MODEL_UNSUPPORTED',
    `The model ${session.source} is not an inpainting model this engine can drive. Its inputs: ${describe(session.inputs)}; its outputs: ${describe(session.outputs)}. ${detail}`,
  );
}
