/** Keyboard and menu commands (renderer/state/shortcuts.ts maps keys to them) carried out on the editor. */
import type { Editor } from './editor';
import { nextBrushSize, type Command } from './shortcuts';

/** Zoom In / Zoom Out step. */
export const ZOOM_STEP = 1.25;

/** Runs a command (`down` false: a held key was released); returns whether it was handled. */
export function executeCommand(editor: Editor, cmd: Command, down = true): boolean {
  const s = editor.getSnapshot();
  switch (cmd) {
    case 'hold:pan':
      editor.setPanning(down);
      return true;
    case 'hold:before':
      editor.setHoldBefore(down);
      return true;
  }
  if (!down) return false;
  switch (cmd) {
    case 'tool:brush':
      editor.setTool('brush');
      return true;
    case 'tool:eraser':
      editor.setTool('eraser');
      return true;
    case 'tool:rect':
      editor.setTool('rect');
      return true;
    case 'tool:lasso':
      editor.setTool('lasso');
      return true;
    case 'tool:sampling':
      editor.setTool('sampling');
      return true;
    case 'size:down':
      editor.setBrush({ size: nextBrushSize(s.brush.size, -1) });
      return true;
    case 'size:up':
      editor.setBrush({ size: nextBrushSize(s.brush.size, 1) });
      return true;
    case 'undo':
      editor.undo();
      return true;
    case 'redo':
      editor.redo();
      return true;
    case 'split:toggle':
      editor.setSplit(!s.split);
      return true;
    case 'zoom:fit':
      editor.zoomFit();
      return true;
    case 'zoom:100':
      editor.zoomActual();
      return true;
    case 'zoom:in':
      editor.zoomBy(ZOOM_STEP);
      return true;
    case 'zoom:out':
      editor.zoomBy(1 / ZOOM_STEP);
      return true;
    case 'file:open':
      void editor.open();
      return true;
    case 'file:export':
      void editor.exportResult();
      return true;
    case 'mask:invert':
      editor.invertMask();
      return true;
    case 'mask:clear':
      editor.clearMask();
      return true;
    case 'apply':
      void editor.applyResult();
      return true;
    case 'run':
      void editor.run();
      return true;
    case 'help:shortcuts':
      editor.setDialog(s.dialog === 'shortcuts' ? null : 'shortcuts');
      return true;
    case 'file:copy':
      void editor.copyResult();
      return true;
    case 'escape':
      if (s.confirm) editor.answerConfirm(false);
      else if (s.pendingMaskImport) editor.answerMaskImport('cancel');
      else if (s.dialog) editor.setDialog(null);
      else if (editor.gestureActive) editor.pointerCancel();
      else if (s.tool === 'pick') editor.setTool(s.picking?.previousTool ?? 'brush');
      // The Try-values strip closes first: that Esc does nothing else (a run behind it goes on).
      else if (editor.tryValues.getSnapshot().strip) editor.tryValues.close();
      else if (s.run.status === 'running') editor.cancelRun();
      return true;
  }
  return false;
}
