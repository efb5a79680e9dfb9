/** The CLI side of a declaration's `when`: the listing says when a parameter applies; a run warns on values it ignores. */
import { describe, expect, it } from 'vitest';
import { LAMA_PARAMS } from '../stages/lama/params';
import { STAGES } from '../stages/registry';
import { buildStageRequests, describeParam, ignoredSettings } from './stageFlags';

const decl = (name: string) => LAMA_PARAMS.params.find((p) => p.name === name)!;

describe('stage flags and when a parameter applies', () => {
  it('the listing says when a parameter applies, and shows the longer doc', () => {
    expect(describeParam('lama', decl('batchSize'))).toContain('Applies only when lama.sizing is regions.');
    expect(describeParam('lama', decl('coarseScale'))).toContain(
      'Applies only when lama.sizing is multiscale.',
    );
    expect(describeParam('lama', decl('feather'))).not.toContain('Applies only when');
    const sizing = describeParam('lama', decl('sizing'));
    expect(sizing).toContain(decl('sizing').help);
    expect(sizing).toContain(decl('sizing').doc!);
  });
  it('warns about a set value that does not apply, and only then', () => {
    const ignored = buildStageRequests(['lama'], ['lama.batchSize=2'], STAGES);
    expect(ignoredSettings(ignored, STAGES)).toEqual([
      'lama.batchSize=2 is ignored: it applies only when lama.sizing is regions (it is auto)',
    ]);
    const used = buildStageRequests(['lama'], ['lama.sizing=regions', 'lama.batchSize=2'], STAGES);
    expect(ignoredSettings(used, STAGES)).toEqual([]);
  });
});
