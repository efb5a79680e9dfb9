// The model manager's words for a failed download: what to do in the editor, never a CLI command or a
// temporary path; and the LaMa notice of the first screen.
import { beforeEach, describe, expect, it } from 'vitest';
import { StudioError } from '../../app/common/errors';
import { Editor } from './editor';
import { fillExplanation, guiDetail, lamaModel } from './modelControl';
import { fakeEngine, type FakeEngine } from './testing/fakeEngine';

let engine: FakeEngine;
let editor: Editor;

const CLI_MESSAGE =
  'Could not download lama-fp32 from huggingface.co: connect ECONNRESET. The partial file ' +
  '/tmp/inpaint-models/lama-fp32/.lama.onnx.partial is kept; run `inpaint-studio models download lama-fp32` to resume.';

beforeEach(async () => {
  engine = fakeEngine();
  editor = new Editor({
    enabledStages: ['lama'],
    scheduler: { setTimeout: () => 0, clearTimeout: () => {} },
  });
  await editor.attach(engine);
});

describe('a failed download, in the editor’s terms', () => {
  it('says what to do (retry, import a file, or work offline), without a command or a temporary path', async () => {
    engine.downloadModel = async () => {
      throw new StudioError('MODEL_DOWNLOAD', CLI_MESSAGE);
    };
    await editor.models.download('fake-lama');
    const s = editor.getSnapshot();
    expect(s.downloadFailure).toMatchObject({ id: 'fake-lama', code: 'MODEL_DOWNLOAD' });
    const shown = [s.downloadFailure!.message, s.downloadFailure!.detail, s.notice!.text].join('\n');
    expect(shown).not.toMatch(/inpaint-studio|models download|\/tmp|\.partial/);
    expect(s.downloadFailure!.message).toMatch(/Retry/);
    expect(s.downloadFailure!.message).toMatch(/Import/);
    expect(s.downloadFailure!.message).toMatch(/embedded fill/);
    expect(s.downloadFailure!.detail).toContain('connect ECONNRESET');
    // Retrying clears the failure; success installs.
    engine.downloadModel = fakeEngine().downloadModel;
    await editor.models.download('fake-lama');
    expect(editor.getSnapshot().downloadFailure).toBeNull();
  });
  it('a failed checksum says the file was not installed', async () => {
    engine.downloadModel = async () => {
      throw new StudioError('MODEL_INTEGRITY', 'SHA-256 of /home/u/.cache/x.onnx is abc, expected def');
    };
    await editor.models.download('fake-lama');
    expect(editor.getSnapshot().downloadFailure!.message).toMatch(/did not match|not installed/);
    expect(editor.getSnapshot().downloadFailure!.detail).not.toMatch(/\/home/);
  });
  it('working offline hides the LaMa notice and the failure', async () => {
    engine.downloadModel = async () => {
      throw new StudioError('MODEL_DOWNLOAD', CLI_MESSAGE);
    };
    await editor.models.download('fake-lama');
    editor.models.dismissNotice();
    expect(editor.getSnapshot().downloadFailure).toBeNull();
    expect(editor.getSnapshot().modelNoticeDismissed).toBe(true);
  });
});

describe('LaMa on the first screen', () => {
  it('finds the default inpainting model and whether it is installed', () => {
    expect(lamaModel(editor.getSnapshot().models)).toMatchObject({ id: 'fake-lama', installed: false });
    expect(lamaModel([])).toBeNull();
  });
  it('guiDetail drops command sentences and paths', () => {
    expect(guiDetail(CLI_MESSAGE)).toBe(
      'Could not download lama-fp32 from huggingface.co: connect ECONNRESET.',
    );
    expect(guiDetail('Cannot write C:\\Users\\me\\AppData\\x.onnx: disk full')).toBe(
      'Cannot write a file in the model folder: disk full',
    );
  });
});

describe("the status bar's fill tooltip", () => {
  it('says why the embedded fill ran', () => {
    const none = editor.getSnapshot().models;
    expect(fillExplanation({ engine: 'embedded', method: 'patchmatch' }, 'auto', none)).toMatch(
      /embedded fill .* because LaMa is not installed\. Download LaMa in the Models panel/,
    );
    expect(fillExplanation({ engine: 'embedded' }, 'embedded', none)).toMatch(
      /because Fill engine is set to Embedded fill/,
    );
    const installed = none.map((m) => ({ ...m, installed: true }));
    expect(fillExplanation({ engine: 'model', model: 'fake-lama', provider: 'cpu' }, 'auto', installed)).toBe(
      'Filled by fake-lama on CPU.',
    );
  });
});
