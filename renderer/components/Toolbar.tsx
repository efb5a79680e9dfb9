/**
 * The top bar: open, tools, brush, undo/redo, view and export. Its command buttons carry out the command
 * registry's commands, and their labels and tooltips (with the keys) come from the same table.
 */
import { commandSpec, commandTitle, keyLabel, type CommandId } from '../../app/contract/commands';
import { runCommand } from '../state/commandRegistry';
import type { ExportFormat } from '../state/editor';
import { exportName } from '../state/fileControl';
import type { ToolId } from '../state/tools/tool';
import { useEditor, useEditorState } from './useEditor';

const TOOLS: { id: ToolId; command: CommandId; icon: string }[] = [
  { id: 'brush', command: 'tool:brush', icon: '●' },
  { id: 'eraser', command: 'tool:eraser', icon: '○' },
  { id: 'rect', command: 'tool:rect', icon: '▭' },
  { id: 'lasso', command: 'tool:lasso', icon: '✎' },
  // Where the fill may sample from (the mask bar has its include/exclude and "Sample from anywhere").
  { id: 'sampling', command: 'tool:sampling', icon: '◍' },
];

const FORMATS: ExportFormat[] = ['png', 'jpeg', 'webp', 'tiff'];

export function Toolbar() {
  const editor = useEditor();
  const tool = useEditorState((s) => s.tool);
  const size = useEditorState((s) => s.brush.size);
  const hardness = useEditorState((s) => s.brush.hardness);
  const canUndo = useEditorState((s) => s.canUndo);
  const canRedo = useEditorState((s) => s.canRedo);
  const hasDoc = useEditorState((s) => s.doc !== null);
  const split = useEditorState((s) => s.split);
  const hasResult = useEditorState((s) => s.run.resultId !== null);
  // Export writes the shown result, else the latest applied base.
  const canExport = useEditorState((s) => s.run.resultId !== null || s.applied.step > 0);
  const removeMode = useEditorState((s) => s.removeMode);
  const format = useEditorState((s) => s.exportFormat);
  const name = useEditorState((s) => s.doc?.name ?? '');
  const run = (id: CommandId) => () => void runCommand(editor, id);

  return (
    <header className="toolbar" role="toolbar" aria-label="Editor tools" data-testid="toolbar">
      <div className="group">
        <button
          className="primary"
          onClick={run('file:open')}
          data-testid="open-button"
          title={`${commandTitle('file:open', 'Open an image')}, or drop one on the window`}
        >
          Open…
        </button>
      </div>
      <div className="group" role="radiogroup" aria-label="Mask tool">
        {TOOLS.map((t) => (
          <button
            key={t.id}
            className={`tool${tool === t.id ? ' active' : ''}`}
            aria-pressed={tool === t.id}
            title={commandTitle(t.command)}
            data-testid={`tool-${t.id}`}
            disabled={!hasDoc}
            onClick={run(t.command)}
          >
            <span className="icon" aria-hidden="true">
              {t.icon}
            </span>{' '}
            <span className="label">{commandSpec(t.command).label}</span>
          </button>
        ))}
      </div>
      <div className="group">
        <button
          className={`tool${removeMode ? ' active' : ''}`}
          aria-pressed={removeMode}
          disabled={!hasDoc}
          onClick={() => editor.setRemoveMode(!removeMode)}
          title="Remove mode: releasing a stroke runs and applies the fill, like Photoshop's Remove tool"
          data-testid="remove-mode"
        >
          <span className="icon" aria-hidden="true">
            ✦
          </span>{' '}
          <span className="label">Remove mode</span>
        </button>
      </div>
      <div className="group">
        <label
          title={`Brush size (${keyLabel(commandSpec('size:down').keys[0])} and ${keyLabel(commandSpec('size:up').keys[0])})`}
        >
          Size
          <input
            type="range"
            min={0}
            max={1000}
            value={Math.round((Math.log(size) / Math.log(1000)) * 1000)}
            onChange={(e) =>
              editor.masking.setBrush({ size: Math.round(Math.pow(1000, Number(e.target.value) / 1000)) })
            }
            data-testid="brush-size"
          />
          <span className="value">{size} px</span>
        </label>
        <label title="Brush hardness">
          Hardness
          <input
            type="range"
            min={0}
            max={100}
            value={Math.round(hardness * 100)}
            onChange={(e) => editor.masking.setBrush({ hardness: Number(e.target.value) / 100 })}
            data-testid="brush-hardness"
          />
          <span className="value">{Math.round(hardness * 100)} %</span>
        </label>
      </div>
      <div className="group">
        <button
          disabled={!canUndo}
          onClick={run('undo')}
          title={commandTitle('undo')}
          aria-label="Undo"
          data-testid="undo"
        >
          ↶ <span className="label">Undo</span>
        </button>
        <button
          disabled={!canRedo}
          onClick={run('redo')}
          title={commandTitle('redo')}
          aria-label="Redo"
          data-testid="redo"
        >
          ↷ <span className="label">Redo</span>
        </button>
      </div>
      <div className="group">
        <button
          disabled={!hasDoc}
          onClick={run('zoom:fit')}
          title={commandTitle('zoom:fit')}
          data-testid="zoom-fit"
        >
          Fit
        </button>
        <button
          disabled={!hasDoc}
          onClick={run('zoom:100')}
          title={commandTitle('zoom:100')}
          data-testid="zoom-100"
        >
          100%
        </button>
        <button
          className={split ? 'active' : ''}
          aria-pressed={split}
          disabled={!hasResult}
          onClick={run('split:toggle')}
          title={`${commandTitle('split:toggle', 'Before/after split')}; hold ${keyLabel(commandSpec('hold:before').keys[0])} to see the original`}
          data-testid="split-toggle"
        >
          ◧ <span className="label">Before/after</span>
        </button>
      </div>
      <div className="group push-right">
        <select
          value={format}
          onChange={(e) => editor.exports.setFormat(e.target.value as ExportFormat)}
          aria-label="Export format"
          data-testid="export-format"
        >
          {FORMATS.map((f) => (
            <option key={f} value={f}>
              {f.toUpperCase()}
            </option>
          ))}
        </select>
        <button
          disabled={!canExport}
          onClick={run('file:export')}
          title={canExport ? commandTitle('file:export', `Export ${exportName(name, format)}`) : 'Run first'}
          data-testid="export-button"
        >
          Export
        </button>
        <button
          disabled={!hasDoc}
          onClick={() => editor.setDialog('export')}
          title="Export options: quality, colour, location; export the mask; copy the result"
          aria-label="Export options"
          aria-haspopup="dialog"
          data-testid="export-options"
        >
          Options…
        </button>
        <button
          onClick={() => editor.setDialog('shortcuts')}
          title={commandTitle('help:shortcuts')}
          aria-label="Keyboard shortcuts"
          aria-haspopup="dialog"
          data-testid="shortcuts-button"
        >
          ?
        </button>
      </div>
    </header>
  );
}
