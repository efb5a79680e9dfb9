/** Checks that a model file follows a known inpainting convention, and fills holes, before it is installed. */
import { loadModelSession } from '../ort/sessions';
import { createAdapter } from '../stages/lama/conventions/detect';
import { selfCheckModel } from '../stages/lama/conventions/selfCheck';
import type { ConventionId } from '../stages/lama/conventions/types';

/**
 * Loads the file on the CPU provider, picks its adapter and runs the self-check (selfCheck.ts: a few
 * small holes in a synthetic image under each plausible reading). Returns the convention to record:
 * the declared or detected one, except that a fixed-size LaMa whose self-check decided the other
 * colour order is recorded with that order.
 * @throws StudioError MODEL_INTEGRITY (not ONNX) or MODEL_UNSUPPORTED (unknown convention, listing what
 *   is expected; or no reading of it fills the test holes, listing each reading's error).
 */
export async function validateInpaintModel(file: string, hint?: string): Promise<ConventionId> {
  const session = await loadModelSession(file, { providers: ['cpu'] });
  try {
    const convention = createAdapter(session, hint as ConventionId | undefined).convention;
    const check = await selfCheckModel(session, convention);
    if ((convention === 'lama-fixed-rgb' || convention === 'lama-fixed-bgr') && check.orderDecided) {
      return check.reading.order === 'BGR' ? 'lama-fixed-bgr' : 'lama-fixed-rgb';
    }
    return convention;
  } finally {
    await session.release();
  }
}
