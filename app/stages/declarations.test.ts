/** Every registered stage's parameter declaration is sound, and the conditions the editor relies on hold. */
import { describe, expect, it } from 'vitest';
import { checkDeclaration, paramApplies } from '../common/params';
import { STAGE_NAMES } from '../pipeline/types';
import { STAGES } from './registry';

const decls = (stage: string) => STAGES.find((s) => s.name === stage)!.params.params;

describe('stage declarations', () => {
  it('covers every stage the engine knows, each once', () => {
    expect(STAGES.map((s) => s.name).sort()).toEqual([...STAGE_NAMES].sort());
  });
  it.each(STAGES.map((s) => [s.name, s] as const))(
    '%s: sound, with at most two basic controls',
    (name, s) => {
      // Messages name the stage by its declaration's name: it must be the stage's.
      expect(s.params.stage).toBe(name);
      expect(checkDeclaration(s.params)).toEqual([]);
    },
  );
  it("LaMa's region, batch and multi-scale settings apply only when Sizing is not Auto", () => {
    const lama = decls('lama');
    for (const name of ['mergeDistance', 'batchSize', 'contextMargin', 'coarseScale', 'crossover']) {
      expect(paramApplies(lama, { sizing: 'auto' }, name), name).toBe(false);
    }
    expect(paramApplies(lama, { sizing: 'regions' }, 'batchSize')).toBe(true);
    expect(paramApplies(lama, { sizing: 'multiscale' }, 'batchSize')).toBe(false);
    expect(paramApplies(lama, { sizing: 'multiscale' }, 'coarseScale')).toBe(true);
    expect(paramApplies(lama, { sizing: 'multiscale' }, 'mergeDistance')).toBe(true);
    expect(paramApplies(lama, { sizing: 'multiscale', multiscaleVariant: 'plain' }, 'crossover')).toBe(false);
    expect(paramApplies(lama, {}, 'feather')).toBe(true);
    // A drawn context rectangle stays: Auto may choose region crops, and the editor draws it (overlays).
    expect(paramApplies(lama, {}, 'contextRect')).toBe(true);
    expect(paramApplies(lama, { sizing: 'resize' }, 'contextRect')).toBe(false);
  });
  it("Adam's step size only with Adam; VGG19 pooling only with VGG19", () => {
    const texture = decls('texture');
    expect(paramApplies(texture, {}, 'learningRate')).toBe(false);
    expect(paramApplies(texture, { optimizer: 'adam' }, 'learningRate')).toBe(true);
    expect(paramApplies(texture, {}, 'pooling')).toBe(false);
    expect(paramApplies(texture, { network: 'vgg19' }, 'pooling')).toBe(true);
  });
  it('help is short: one or two sentences, no CLI commands', () => {
    for (const s of STAGES) {
      for (const p of s.params.params.filter((x) => x.basic)) {
        expect(p.help.length, `${s.name}.${p.name}`).toBeLessThanOrEqual(120);
      }
      for (const p of s.params.params) {
        expect(p.help, `${s.name}.${p.name}`).not.toMatch(/inpaint-studio|models download/);
      }
    }
  });
});
