/**
 * The inpainting model conventions the engine can read (layout, colour order, ranges, sizing). The
 * manifest declares one per model; LaMa's adapters (app/stages/lama/conventions) implement them. It lives
 * here, in the models layer, so that the manifest and the generated models need not import a stage.
 */
export type ConventionId =
  /** image float32 [N,3,512,512] RGB 0..1 + mask float32 [N,1,512,512] 1 = hole; output 0..255 (Carve LaMa-ONNX). */
  | 'lama-fixed-rgb'
  /**
   * image float32 [1,3,512,512] BGR 0..1 + mask (> 0 = hole); output 0..255 BGR. OpenCV's demo feeds
   * its Zoo LaMa this way, but that network is the Carve one (RGB): this convention is for exports that
   * really want BGR (an import's declaration, or what the self-check finds).
   */
  | 'lama-fixed-bgr'
  /** one input float32 [1,4,H,W]: masked RGB + mask, H and W multiples of 32; output 0..1. */
  | 'lama-dynamic-4ch'
  /** MI-GAN: uint8 image + uint8 mask (255 = known, 0 = hole), any size. */
  | 'migan';
