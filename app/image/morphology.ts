/**
 * Mask morphology on exact Euclidean distances: distanceTransform, growMask and featherWeights. The
 * algorithms are pure TypeScript shared with the editor, in app/common/maskMorphology.ts (see there for
 * how they work); a Mask (./types) is the ByteMask they take and return.
 */
export { distanceTransform, featherWeights, growMask } from '../common/maskMorphology';
