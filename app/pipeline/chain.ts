/**
 * The order the enabled stages run in (issue 13: stages compose). A correction that adds detail works on
 * the colours it is given: before the colour stage, its borrowed detail was matched and scaled against a
 * fill of the wrong colours, and colour then moved the detailed fill's histogram (the chain was worse than
 * colour alone on four of eight bland fills). So, whatever order the stages were listed or enabled in:
 *
 *   fill (lama) → corrections that replace content (blockmatch paste, texture synthesised or copying
 *   structure) → colour → corrections that add detail (blockmatch detail, texture keeping the picture)
 *   → auto
 *
 * Within a rank block matching runs before texture (the registry's order), so it still hands its exemplar
 * and sources on to the texture stage after it; in detail mode it runs after colour, so colour uses the hole's ring as its
 * reference (as it does alone) and the search matches against corrected colours.
 */
import type { ParamValues } from '../common/params';
import { STAGE_NAMES } from './types';

/** The chain's ranks, in running order. */
export const CHAIN_RANKS = ['fill', 'replace', 'colour', 'detail', 'auto'] as const;
export type ChainRank = (typeof CHAIN_RANKS)[number];

/**
 * A stage's rank for its resolved parameters. Block matching and texture add detail only when their
 * parameters say so (blockmatch `mode: detail`; texture `init: previous` without `structure: on`); any
 * other form of them replaces content. A stage of no known name ranks as a content-replacing correction.
 */
export function chainRank(name: string, params: ParamValues): ChainRank {
  switch (name) {
    case 'lama':
      return 'fill';
    case 'color':
      return 'colour';
    case 'auto':
      return 'auto';
    case 'blockmatch':
      return params.mode === 'detail' ? 'detail' : 'replace';
    case 'texture':
      return params.init === 'previous' && params.structure !== 'on' ? 'detail' : 'replace';
    default:
      return 'replace';
  }
}

/**
 * The plan in running order (see the file comment): sorted by chainRank, then by the stages' order in
 * STAGE_NAMES (blockmatch before texture), then as listed. Returns a new array of the given entries.
 */
export function chainOrder<T extends { def: { name: string }; params: ParamValues }>(
  plan: readonly T[],
): T[] {
  const rank = (p: T) => CHAIN_RANKS.indexOf(chainRank(p.def.name, p.params));
  const known = (p: T) => (STAGE_NAMES as readonly string[]).indexOf(p.def.name);
  return plan
    .map((p, i) => ({ p, i, r: rank(p), k: known(p) }))
    .sort((a, b) => a.r - b.r || a.k - b.k || a.i - b.i)
    .map((x) => x.p);
}
