// What the Models panel and the status bar say about execution providers: the engine's report, not a list.
import { describe, expect, it } from 'vitest';
import type { EngineInfo } from './editorState';
import { availableProviders, deviceLabel, providerLabel, unavailableProviders } from './providers';
import { IDLE_RUN, type RunInfo } from './runProgress';

const cpuOnly: EngineInfo = {
  version: '0.1.0',
  modelsDir: '/m',
  providers: ['cpu'],
  providerDetails: [
    { name: 'cuda', status: 'unavailable', reason: 'failed: the CUDA provider library is not installed' },
    { name: 'dml', status: 'unavailable', reason: 'skipped: not available on linux' },
    { name: 'coreml', status: 'unavailable', reason: 'skipped: not available on linux' },
    { name: 'cpu', status: 'available' },
  ],
  lastProvider: null,
};

const done = (info?: Record<string, unknown>): RunInfo => ({
  ...IDLE_RUN,
  status: 'done',
  stages: [{ name: 'lama', state: 'done', step: 0, total: 0, ms: 3, info }],
});

describe('providers as shown', () => {
  it('lists the providers the engine found, with the reasons for the others', () => {
    expect(availableProviders(cpuOnly)).toBe('CPU');
    expect(availableProviders({ ...cpuOnly, providers: ['cuda', 'cpu'] })).toBe('CUDA, CPU');
    expect(availableProviders(null)).toBe('—');
    expect(unavailableProviders(cpuOnly).split('\n')).toEqual([
      'CUDA: failed: the CUDA provider library is not installed',
      'DirectML: skipped: not available on linux',
      'CoreML: skipped: not available on linux',
    ]);
    // An older engine without details: nothing to explain.
    expect(unavailableProviders({ version: '0', modelsDir: '/m', providers: ['cpu'] })).toBe('');
    expect(providerLabel('dml')).toBe('DirectML');
  });

  it("says which device ran: the run's model, the engine's last run, CPU for the embedded fill", () => {
    expect(deviceLabel({ run: IDLE_RUN, engine: null })).toBe('—');
    // Before any run: what a run tries first.
    expect(deviceLabel({ run: IDLE_RUN, engine: cpuOnly })).toBe('CPU');
    expect(deviceLabel({ run: IDLE_RUN, engine: { ...cpuOnly, lastProvider: 'cuda' } })).toBe('CUDA');
    expect(deviceLabel({ run: done({ engine: 'model', provider: 'cpu' }), engine: cpuOnly })).toBe('CPU');
    expect(deviceLabel({ run: done({ engine: 'model', provider: 'cuda' }), engine: cpuOnly })).toBe('CUDA');
    expect(
      deviceLabel({ run: done({ engine: 'embedded' }), engine: { ...cpuOnly, providers: ['cuda', 'cpu'] } }),
    ).toBe('CPU');
  });
});
