/**
 * The colour stage's parameters, declared once (validation, CLI flags, sliders and docs come from here).
 *
 * Units. The solver works on w in the working space: 'rgb' is sRGB scaled to 0..255, 'lab' is CIELab
 * (L 0..100); one "unit" is one step of 0..255 or one CIELab unit (about one ΔE). The energy is
 *   Σ λ_L/2 ‖w−u‖²  −  λ_LS Σ ⟨∇w, ∇u/‖∇u‖⟩  +  λ_R TV(w)  +  λ_S/2 SW²  +  λ_B/2 Σ_edge ‖w−o‖²,
 * so λ_L, λ_S and λ_B weigh squared units (1/unit²) while λ_LS and λ_R weigh plain units (1/unit).
 * Rescaling w by s leaves the quadratic terms' balance unchanged but multiplies the linear terms' weight
 * by 1/s relative to them: the report's λ_LS = 0.005 on values in 0..1 acts like 255 × 0.005 = 1.3 on
 * 0..255 values, which over-sharpens; that is why the report's λs fail on 0..1 values and work on 0..255
 * or CIELab, and why both working spaces here are in those units. To reuse λs tuned on 0..1 values,
 * divide λ_LS and λ_R by 255.
 */
import type { ParamSchema } from '../../common/params';

export const COLOR_METHODS = ['rabin-peyre', 'reinhard', 'pitie'] as const;
export type ColorMethod = (typeof COLOR_METHODS)[number];

export const COLOR_PARAMS: ParamSchema = {
  stage: 'color',
  params: [
    {
      kind: 'enum',
      name: 'method',
      label: 'Method',
      help: 'rabin-peyre: regularised sliced-Wasserstein transfer (Rabin and Peyré; fidelity, gradients, TV, border continuity). reinhard: mean and spread per channel (fast preview). pitie: iterative sliced transport without regularisation (Pitié).',
      default: 'rabin-peyre',
      options: [
        { value: 'rabin-peyre', label: 'Rabin–Peyré (regularised)' },
        { value: 'reinhard', label: 'Reinhard (mean/variance)' },
        { value: 'pitie', label: 'Pitié (iterative transport)' },
      ],
    },
    {
      kind: 'enum',
      name: 'colorSpace',
      label: 'Working colour space',
      help: 'Where colours are compared and moved: CIELab (L 0..100, perceptual) or sRGB in 0..255. The λs assume these units.',
      default: 'lab',
      options: [
        { value: 'lab', label: 'CIELab' },
        { value: 'rgb', label: 'sRGB 0..255' },
      ],
    },
    {
      kind: 'rect',
      name: 'referenceRect',
      label: 'Reference region',
      help: 'Pixels whose colours the hole should take (hole pixels inside it are ignored). Unset: automatic (the block-matching stage’s choice when it ran, else the ring around the hole).',
      default: null,
    },
    {
      kind: 'number',
      name: 'ringWidth',
      label: 'Automatic ring width',
      help: 'Width of the ring of untouched pixels around the hole used as the reference when neither a rectangle nor block matching gives one.',
      default: 8,
      min: 1,
      max: 256,
      step: 1,
      integer: true,
      unit: 'px',
    },
    {
      kind: 'boolean',
      name: 'ringPerHole',
      label: 'Ring per hole',
      help: 'With the automatic ring: match each separate hole to its own ring (default; colours from around other holes stay out), or every hole to the ring around all of them.',
      default: true,
    },
    {
      kind: 'number',
      name: 'lambdaL',
      label: 'Fidelity λ_L',
      help: 'Weight of staying close to the current colours. Higher: smoother, closer to the input.',
      default: 0.01,
      min: 1e-5,
      max: 100,
      step: 1e-5,
      log: true,
      unit: '1/unit²',
    },
    {
      kind: 'number',
      name: 'lambdaLS',
      label: 'Gradient orientation λ_LS',
      help: 'Weight of keeping the current image’s gradient directions (details). Per working unit: divide by 255 for λs tuned on 0..1 values.',
      default: 0.005,
      min: 0,
      max: 10,
      step: 1e-5,
      log: true,
      unit: '1/unit',
    },
    {
      kind: 'number',
      name: 'lambdaR',
      label: 'Total variation λ_R',
      help: 'Weight of flattening the region (isotropic TV). 0 keeps every variation (the report’s choice); higher blurs.',
      default: 0,
      min: 0,
      max: 10,
      step: 1e-5,
      log: true,
      unit: '1/unit',
    },
    {
      kind: 'number',
      name: 'lambdaS',
      label: 'Colour distribution λ_S',
      help: 'Weight of matching the reference’s colour distribution (sliced Wasserstein). 0 leaves the colour shift.',
      default: 1,
      min: 0,
      max: 1000,
      step: 1e-4,
      log: true,
      unit: '1/unit²',
    },
    {
      kind: 'number',
      name: 'lambdaB',
      label: 'Border continuity λ_B',
      help: 'Weight of the jump between each pixel on the hole’s edge and its untouched neighbours. 0 turns it off.',
      default: 0.1,
      min: 0,
      max: 100,
      step: 1e-4,
      log: true,
      unit: '1/unit²',
    },
    {
      kind: 'number',
      name: 'directions',
      label: 'Directions K',
      help: 'Random directions of colour space per iteration (drawn anew each iteration). More: smoother convergence, slower.',
      default: 10,
      min: 1,
      max: 64,
      step: 1,
      integer: true,
    },
    {
      kind: 'number',
      name: 'iterations',
      label: 'Iterations',
      help: 'Descent iterations (Rabin–Peyré) or rotations (Pitié, 3 orthogonal directions each).',
      default: 200,
      min: 1,
      max: 5000,
      step: 1,
      integer: true,
      log: true,
    },
    {
      kind: 'number',
      name: 'step',
      label: 'Step size',
      help: 'Descent step as a fraction of 1/L (L: the sliced-Wasserstein term’s curvature). Up to 1 the energy never rises for fixed directions.',
      default: 1,
      min: 0.05,
      max: 1.9,
      step: 0.05,
      unit: '× 1/L',
    },
  ],
};
