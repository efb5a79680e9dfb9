/** Binds the command registry's keys to the window (not while typing into a field). */
import { useEffect } from 'react';
import type { Editor } from '../state/editor';
import { keyDown, keyUp, releaseHeld } from '../state/commandRegistry';

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  if (el.tagName === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['range', 'checkbox', 'radio', 'button', 'color', 'file'].includes(type);
  }
  return false;
}

/**
 * Which element the keyboard focused last (Tab, or a script after a key press), as opposed to the
 * pointer: a click sets pointer mode, a key press keyboard mode, and each focus takes the mode of the
 * moment. (Chromium's :focus-visible cannot tell: a key press makes the focused element match it.)
 */
class FocusModality {
  private pointer = false;
  private focused: EventTarget | null = null;
  readonly onPointerDown = () => (this.pointer = true);
  readonly onKeyDown = () => (this.pointer = false);
  readonly onFocusIn = (e: FocusEvent) => (this.focused = this.pointer ? null : e.target);
  byKeyboard(target: EventTarget | null): boolean {
    return target !== null && target === this.focused;
  }
}

/**
 * Enter or Space on a control the keyboard focused (Tab, not a click): the control's own (press the
 * button, open the disclosure, tick the box), not the editor's Apply and pan, so every button can be
 * worked from the keyboard. A control clicked with the mouse keeps the shortcuts: clicking Run and then
 * pressing Enter still applies.
 */
function keyboardControlKey(e: KeyboardEvent, modality: FocusModality): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey || (e.key !== 'Enter' && e.key !== ' ')) return false;
  const el = e.target as HTMLElement | null;
  if (!el || typeof el.matches !== 'function' || !modality.byKeyboard(el)) return false;
  if (el.matches('button, a[href], summary, [role="button"]')) return true;
  return e.key === ' ' && el.matches('input[type="checkbox"], input[type="radio"]');
}

export function useKeyboard(editor: Editor): void {
  useEffect(() => {
    const modality = new FocusModality();
    const down = (e: KeyboardEvent) => {
      if (typing(e.target) && e.key !== 'Escape') return;
      if (keyboardControlKey(e, modality)) return;
      const press = { key: e.key, mod: e.ctrlKey || e.metaKey, shift: e.shiftKey, alt: e.altKey };
      if (keyDown(editor, { ...press, repeat: e.repeat })) e.preventDefault();
    };
    const up = (e: KeyboardEvent) => {
      // A button presses on Space's key-up: it is the control's (its key-down did not pan).
      if (keyboardControlKey(e, modality)) return;
      if (keyUp(editor, e.key)) e.preventDefault();
    };
    const blur = () => releaseHeld(editor);
    window.addEventListener('pointerdown', modality.onPointerDown, true);
    window.addEventListener('keydown', modality.onKeyDown, true);
    window.addEventListener('focusin', modality.onFocusIn, true);
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    window.addEventListener('blur', blur);
    return () => {
      window.removeEventListener('pointerdown', modality.onPointerDown, true);
      window.removeEventListener('keydown', modality.onKeyDown, true);
      window.removeEventListener('focusin', modality.onFocusIn, true);
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
      window.removeEventListener('blur', blur);
    };
  }, [editor]);
}
