import { describe, expect, it } from 'vitest';
import { CHECKS_FILE } from './modelChecks';
import { RECORD_FILE } from './record';
import { customFileName } from './storeState';

describe('customFileName', () => {
  it('keeps a plain source name', () => {
    expect(customFileName('/downloads/big-lama.onnx')).toBe('big-lama.onnx');
  });

  it("never takes the name of one of the store's own files", () => {
    // A custom model named like the record or the self-check file would overwrite it (or be overwritten).
    expect(customFileName(`/x/${RECORD_FILE}`)).toBe('model.onnx');
    expect(customFileName(`/x/${CHECKS_FILE}`)).toBe('model.onnx');
    expect(customFileName('/x/lama.onnx.partial')).toBe('model.onnx');
  });

  it('refuses names with odd characters or a leading dot', () => {
    expect(customFileName('/x/.hidden.onnx')).toBe('model.onnx');
    expect(customFileName('/x/my model.onnx')).toBe('model.onnx');
  });
});
