/** Checks that a model file follows a known inpainting convention before it is installed. */
import { loadModelSession } from '../ort/sessions';
import { createAdapter } from '../stages/lama/conventions/detect';
import type { ConventionId } from '../stages/lama/conventions/types';

/**
 * Loads the file on the CPU provider and picks its adapter.
 * @throws StudioError MODEL_INTEGRITY (not ONNX) or MODEL_UNSUPPORTED (unknown convention, listing what is expected).
 */
export async function validateInpaintModel(file: string, hint?: string): Promise<ConventionId> {
  const session = await loadModelSession(file, { providers: ['cpu'] });
  try {
    return createAdapter(session, hint as ConventionId | undefined).convention;
  } finally {
    await session.release();
  }
}
