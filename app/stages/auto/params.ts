/** The automatic correction's parameters, declared once (validation, CLI flags, switches and docs come from here). */
import { defineParams, type ParamsOf } from '../../common/params';

export const AUTO_PARAMS = defineParams('auto', [
  {
    kind: 'boolean',
    name: 'color',
    basic: true,
    label: 'Try colour correction',
    help: 'Let auto-correct match a hole’s colours to its surroundings when that makes it fit better.',
    doc: 'Runs the colour stage with its defaults on each hole (alone and before the detail transfer) as a candidate; the hole score decides whether it is kept.',
    default: true,
  },
  {
    kind: 'boolean',
    name: 'detail',
    basic: true,
    label: 'Try adding detail',
    help: 'Let auto-correct add the fine detail a blurry fill lacks, taken from the surroundings, when that makes it fit better.',
    doc: 'Runs the detail transfer (image analogies on the low-pass: only the high frequencies the fill lacks are added, its shapes and colours stay) on each hole as a candidate; the hole score decides whether it is kept.',
    default: true,
  },
  {
    kind: 'number',
    name: 'margin',
    label: 'Required improvement',
    help: 'How much better a correction must make a hole’s score than leaving it as it is before it is kept.',
    doc: 'Higher: fewer, surer corrections. Each correction step a candidate makes (colour, detail) must lower the no-reference hole score (colour step, detail level, detail orientation and seam against the ring around the hole; 0 = looks like its ring) by this much; a candidate is kept only when its score plus this margin per step is below the uncorrected score. A candidate the score rates worse than no correction is never kept.',
    default: 0.05,
    min: 0,
    max: 2,
    step: 0.01,
  },
]);

export type AutoParams = ParamsOf<typeof AUTO_PARAMS>;
