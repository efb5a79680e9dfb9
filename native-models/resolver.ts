/**
 * How a stage finds installed models: the model store implements it, the pipeline hands it to the stages
 * on their context (app/pipeline/types.ts re-exports it). Types only.
 */
/** An installed inpainting model as the stage sees it. */
export interface ResolvedModel {
  id: string;
  path: string;
  /** The convention the manifest declares for it, when known (a hint for adapter detection). */
  convention?: string;
}

/** Finds installed models; implemented by the model store. */
export interface ModelResolver {
  /** The model to use for `purpose` (e.g. 'inpaint'), the preferred id first; null when none is installed. */
  resolve(purpose: string, preferredId?: string): Promise<ResolvedModel | null>;
}
