/** The LaMa stage's parameters, declared once (validation, CLI flags, sliders and docs come from here). */
import type { ParamSchema } from '../../common/params';

/** How the stage sizes what the model sees (see strategies/auto.ts for how `auto` chooses). */
export type SizingStrategy = 'resize' | 'original' | 'regions' | 'multiscale';
export type SizingParam = 'auto' | SizingStrategy;
export type MultiscaleVariant = 'laplacian' | 'plain';

/**
 * Default context margin around a region's hole, as a factor of the hole's mean side. Measured with
 * `tsx bench/regionsBench.ts margin` (PSNR inside 8 separate holes against the truth, Garden, Wood and
 * the 8 MP Elephants, 2 masks each): PatchMatch, the one engine here that copies from the context, is
 * best at 0.5 (mean 28.37 dB; 28.24 at 0.25, 27.75 at 0.75); the generated networks, diffusion fills
 * that only interpolate the hole's border, are best at the smallest margin and lose 0.5 dB at 0.5
 * (26.22 -> 25.66 dB). Re-measure with the real LaMa when it is installed.
 */
export const DEFAULT_CONTEXT_MARGIN = 0.5;

export const LAMA_PARAMS: ParamSchema = {
  stage: 'lama',
  params: [
    {
      kind: 'enum',
      name: 'engine',
      basic: true,
      label: 'Fill engine',
      help: 'What fills the hole: LaMa when it is installed, else the built-in fill.',
      doc: 'auto: the installed LaMa model, or the embedded fill when none is installed; model: require a model; embedded: always the embedded fill.',
      default: 'auto',
      options: [
        { value: 'auto', label: 'Auto' },
        { value: 'model', label: 'Model only' },
        { value: 'embedded', label: 'Embedded fill' },
      ],
    },
    {
      kind: 'enum',
      name: 'sizing',
      label: 'Sizing',
      help: 'How the image is sized for the model. Auto chooses from the image and the holes.',
      doc:
        'auto: picks resize, regions or multiscale from the image size, the hole sizes and the model input, and says why. ' +
        'resize: scale the whole image to fit the model, fill, scale the fill back. ' +
        'original: run at full size, padded to the model multiple (dynamic-size models only; fixed-size models resize). ' +
        'regions: fill each separate hole in its own crop (the hole plus a context margin), at full resolution when the crop fits the model. ' +
        'multiscale: per region, a coarse pass for the structure and a fine pass for the detail, combined inside the hole. ' +
        'Without a model, auto runs the embedded fill once over the whole image; regions and multiscale apply to it too.',
      default: 'auto',
      options: [
        { value: 'auto', label: 'Auto' },
        { value: 'resize', label: 'Resize to model' },
        { value: 'original', label: 'Original size' },
        { value: 'regions', label: 'Region crops' },
        { value: 'multiscale', label: 'Multi-scale' },
      ],
    },
    {
      kind: 'number',
      name: 'resizeLimit',
      label: 'Resize limit',
      help: 'Longest side a dynamic-size model is given (the whole image in resize mode, each crop and pass in the regions and multiscale modes). Fixed-size models use their own size.',
      default: 1024,
      min: 256,
      max: 4096,
      step: 32,
      integer: true,
      unit: 'px',
    },
    {
      kind: 'number',
      name: 'mergeDistance',
      when: { param: 'sizing', is: ['regions', 'multiscale'] },
      label: 'Region merge distance',
      help: 'regions / multiscale: separate holes whose nearest pixels are at most this far apart are filled together, in one crop (one model call).',
      default: 64,
      min: 0,
      max: 1024,
      step: 1,
      integer: true,
      unit: 'px',
    },
    {
      kind: 'number',
      name: 'batchSize',
      when: { param: 'sizing', is: ['regions'] },
      label: 'Regions per model call',
      help:
        'regions: how many region crops one model call may fill when the model takes a batch (its batch dimension is dynamic). ' +
        'A model is batched only once batching it is verified: the first time it would batch, a batch of two is compared with two single calls and the answer is kept with the model; until then, and when they differ, it runs one crop per call. ' +
        'Crops share a call only when they pad to the same size (every crop, for a fixed-size model), and a call holds at most lama.resizeLimit squared pixels. ' +
        '1 = one call per region. A model whose batch dimension is fixed at 1, the embedded fill and the multiscale strategy run one crop per call; the stage info says which ran.',
      default: 4,
      min: 1,
      max: 16,
      step: 1,
      integer: true,
    },
    {
      kind: 'number',
      name: 'contextMargin',
      when: { param: 'sizing', is: ['regions', 'multiscale'] },
      label: 'Context margin',
      help: "regions / multiscale: context kept around each region's hole, as a factor of the hole's mean side (at least 16 px), clamped to the image.",
      default: DEFAULT_CONTEXT_MARGIN,
      min: 0.1,
      max: 4,
      step: 0.05,
    },
    {
      kind: 'rect',
      name: 'contextRect',
      when: { param: 'sizing', is: ['auto', 'regions', 'multiscale'] },
      label: 'Context rectangle',
      help: 'regions / multiscale: a user-drawn rectangle that restricts the context of every region it overlaps (the model sees nothing outside it but a ring of 8 px around the hole).',
      default: null,
    },
    {
      kind: 'number',
      name: 'coarseScale',
      when: { param: 'sizing', is: ['multiscale'] },
      label: 'Coarse scale',
      help: 'multiscale: scale of the coarse pass relative to the fine pass (0.5 = half the resolution).',
      default: 0.5,
      min: 0.1,
      max: 0.9,
      step: 0.05,
    },
    {
      kind: 'boolean',
      name: 'coarseFit',
      when: { param: 'sizing', is: ['multiscale'] },
      label: 'Coarse pass: fit to model',
      help: 'multiscale: the coarse pass fills the whole image resized to fit the model (one call shared by every region, the whole image as context) instead of each crop at the coarse scale.',
      default: false,
    },
    {
      kind: 'enum',
      name: 'multiscaleVariant',
      when: { param: 'sizing', is: ['multiscale'] },
      label: 'Multi-scale combination',
      help: 'laplacian: a Laplacian-pyramid blend inside the hole, low-frequency bands from the coarse pass, high-frequency bands from the fine one. plain: the coarse result upscaled into the hole, then a fine pass over it (the hole refilled in two interleaved halves of cells, each seeing the other as context).',
      default: 'laplacian',
      options: [
        { value: 'laplacian', label: 'Laplacian blend' },
        { value: 'plain', label: 'Coarse, then fine pass' },
      ],
    },
    {
      kind: 'number',
      name: 'crossover',
      when: { param: 'multiscaleVariant', is: ['laplacian'] },
      label: 'Crossover level',
      help: 'multiscale laplacian: pyramid levels below this one (the finest detail) come from the fine pass, the rest from the coarse pass. 0 = coarse only; 8 = fine only.',
      default: 2,
      min: 0,
      max: 8,
      step: 1,
      integer: true,
    },
    {
      kind: 'number',
      name: 'maskGrow',
      label: 'Grow / shrink mask',
      help: 'Grows (positive) or shrinks (negative) the hole before filling; the grown hole is what gets replaced.',
      default: 0,
      min: -64,
      max: 64,
      step: 1,
      integer: true,
      unit: 'px',
    },
    {
      kind: 'number',
      name: 'modelDilate',
      label: 'Model mask dilation',
      help: "Extra dilation of the hole the model sees, so that the object's outline is not copied into the fill. Only the hole itself is replaced.",
      default: 4,
      min: 0,
      max: 32,
      step: 1,
      integer: true,
      unit: 'px',
    },
    {
      kind: 'number',
      name: 'feather',
      label: 'Feather',
      help: 'Width of the soft edge inside the hole where the fill blends into the image. Pixels outside the hole never change.',
      default: 3,
      min: 0,
      max: 64,
      step: 1,
      integer: true,
      unit: 'px',
    },
    {
      kind: 'enum',
      name: 'fallback',
      label: 'Embedded fill',
      help: 'The download-free fill used when no model is installed. auto: frequency-selective reconstruction (FSR) continues lines, edges and shading across the hole, and PatchMatch adds texture where a wide hole sits in a texture; fsr: FSR alone; patchmatch: patch-based (like Content-Aware Fill); pushpull: smooth.',
      default: 'auto',
      options: [
        { value: 'auto', label: 'Auto (FSR + PatchMatch)' },
        { value: 'fsr', label: 'Frequency-selective (FSR)' },
        { value: 'patchmatch', label: 'PatchMatch' },
        { value: 'pushpull', label: 'Push-pull (smooth)' },
      ],
    },
  ],
};
