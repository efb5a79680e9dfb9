/**
 * The command registry: each command of the table in app/contract/commands.ts (id, label, keys, menu
 * item) with what it does to the editor. The keyboard hook (useKeyboard.ts), the toolbar and Electron's
 * app menu (its onMenu event carries the command's id) all run commands through here, so a key, a button
 * and a menu item do the same thing.
 */
import {
  COMMANDS,
  commandForKey,
  commandSpec,
  type CommandId,
  type CommandSpec,
  type KeyPress,
} from '../../app/contract/commands';
import type { EngineApi } from '../../app/contract/schemas';
import type { Editor } from './editor';
import { nextBrushSize } from './shortcuts';

export type { CommandId } from '../../app/contract/commands';

/** Zoom In / Zoom Out step. */
export const ZOOM_STEP = 1.25;

/** What a command does: `down` is false when a held key was released. */
type Run = (editor: Editor, down: boolean) => void;

const RUN: Record<CommandId, Run> = {
  'tool:brush': (e) => e.masking.setTool('brush'),
  'tool:eraser': (e) => e.masking.setTool('eraser'),
  'tool:rect': (e) => e.masking.setTool('rect'),
  'tool:lasso': (e) => e.masking.setTool('lasso'),
  'tool:sampling': (e) => e.masking.setTool('sampling'),
  'size:down': (e) => e.masking.setBrush({ size: nextBrushSize(e.getSnapshot().brush.size, -1) }),
  'size:up': (e) => e.masking.setBrush({ size: nextBrushSize(e.getSnapshot().brush.size, 1) }),
  undo: (e) => e.history.undo(),
  redo: (e) => e.history.redo(),
  'mask:invert': (e) => e.masking.invert(),
  'mask:clear': (e) => e.masking.clear(),
  'zoom:in': (e) => e.view.zoomBy(ZOOM_STEP),
  'zoom:out': (e) => e.view.zoomBy(1 / ZOOM_STEP),
  'zoom:fit': (e) => e.view.zoomFit(),
  'zoom:100': (e) => e.view.zoomActual(),
  'hold:pan': (e, down) => e.view.setPanning(down),
  'split:toggle': (e) => e.view.setSplit(!e.getSnapshot().split),
  'hold:before': (e, down) => e.view.setHoldBefore(down),
  run: (e) => void e.runs.run(),
  apply: (e) => void e.history.apply(),
  escape: (e) => {
    const s = e.getSnapshot();
    if (s.confirm) e.session.answer(false);
    else if (s.pendingMaskImport) e.masking.answerImport('cancel');
    else if (s.dialog) e.setDialog(null);
    else if (e.masking.gestureActive) e.pointerCancel();
    else if (s.tool === 'pick') e.masking.setTool(s.picking?.previousTool ?? 'brush');
    // The Try-values strip closes first: that Esc does nothing else (a run behind it goes on).
    else if (e.tryValues.getSnapshot().strip) e.tryValues.close();
    else if (s.run.status === 'running') e.runs.cancelRun();
  },
  'file:open': (e) => void e.files.open(),
  'file:export': (e) => void e.files.exportResult(),
  'file:copy': (e) => void e.exports.copyResult(),
  'help:shortcuts': (e) => e.setDialog(e.getSnapshot().dialog === 'shortcuts' ? null : 'shortcuts'),
};

/** A command of the registry: its table entry and what it does. */
export interface RegisteredCommand extends CommandSpec {
  readonly id: CommandId;
  readonly run: Run;
}

/** Every command, in the table's order. */
export const COMMAND_REGISTRY: readonly RegisteredCommand[] = COMMANDS.map((c) => ({ ...c, run: RUN[c.id] }));

/**
 * Carries out a command (`down` false: a held key was released, which only held commands act on);
 * returns whether it did anything.
 */
export function runCommand(editor: Editor, id: CommandId, down = true): boolean {
  if (!down && !commandSpec(id).hold) return false;
  RUN[id](editor, down);
  return true;
}

/** A key-down as the keyboard hook sees it: the key, its modifiers, and whether it is an auto-repeat. */
export interface KeyDown extends KeyPress {
  repeat?: boolean;
}

/**
 * A key-down (not one typed into a field): carries out its command, unless a dialog or a question is open
 * (then only Escape and the sheet's key reach the editor) or it is the auto-repeat of a held key (Space
 * is already panning). Returns whether the key was the editor's: the page's own action is then prevented.
 */
export function keyDown(editor: Editor, k: KeyDown): boolean {
  const id = commandForKey(k);
  if (!id) return false;
  const spec = commandSpec(id);
  const s = editor.getSnapshot();
  if ((s.dialog || s.pendingMaskImport || s.confirm) && !spec.inDialog) return false;
  if (!(k.repeat && spec.hold)) runCommand(editor, id, true);
  return true;
}

/** A key-up: releases a held command (Space, backslash); returns whether it did. */
export function keyUp(editor: Editor, key: string): boolean {
  const id = commandForKey({ key });
  if (!id || !commandSpec(id).hold) return false;
  runCommand(editor, id, false);
  return true;
}

/** The window lost focus: every held command is released (its key-up will not come). */
export function releaseHeld(editor: Editor): void {
  for (const c of COMMANDS) if ((c as CommandSpec).hold) runCommand(editor, c.id, false);
}

/** Carries out the commands Electron's app menu sends (onMenu); returns the unsubscriber. */
export function bindMenu(editor: Editor, api: EngineApi): () => void {
  return api.on('onMenu', (e) => runCommand(editor, e.command));
}
