/** The image module's public API: pixel types, load/save, masks, resampling, morphology, crops, metrics. */
export * from './types';
export { loadImage, loadImageFromBuffer, MAX_PIXELS, LOADABLE_FORMATS, type LoadOptions } from './load';
export {
  saveImage,
  encodeImage,
  formatFromPath,
  DEFAULT_QUALITY,
  type ImageFormat,
  type SaveOptions,
} from './save';
export { loadMask, maskFromArray, saveMask } from './mask';
export { resizeImage, resizePlane, resizeMask } from './resize';
export { resampleRegion } from './resampleRegion';
export { distanceTransform, growMask, featherWeights } from './morphology';
export { cropImage, cropMask, pasteImage, maskBoundingBox, expandRect } from './crop';
export { psnr, mse } from './metrics';
export { interleavedToPlanar, planarToInterleaved } from './convert';
