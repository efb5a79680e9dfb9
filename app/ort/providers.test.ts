import { describe, expect, it } from 'vitest';
import { CUDA_OPT_IN, unavailableReason } from './providers';

describe('unavailableReason', () => {
  it('skips providers that cannot exist on a platform, naming it', () => {
    expect(unavailableReason('dml', 'linux')).toBe('skipped: not available on linux');
    expect(unavailableReason('coreml', 'linux')).toBe('skipped: not available on linux');
    expect(unavailableReason('coreml', 'win32')).toBe('skipped: not available on win32');
    expect(unavailableReason('dml', 'darwin')).toBe('skipped: not available on darwin');
    expect(unavailableReason('cuda', 'darwin')).toBe('skipped: not available on darwin');
  });

  it('never rules out cpu', () => {
    expect(unavailableReason('cpu')).toBeNull();
  });

  it('says how to install the CUDA libraries when they are missing', () => {
    const reason = unavailableReason('cuda');
    if (reason?.startsWith('failed: the CUDA provider library')) {
      expect(reason).toContain(CUDA_OPT_IN);
      expect(CUDA_OPT_IN).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node');
    } else {
      // CUDA libraries installed (or another platform): either attempted (null) or skipped with a reason.
      expect(reason === null || /^(skipped|failed): /.test(reason)).toBe(true);
    }
  });
});
