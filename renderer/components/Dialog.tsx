/** A modal dialog of the editor: a labelled box over a dimmed page, focused when it opens. */
import { useEffect, useRef, type ReactNode } from 'react';

export function Dialog(props: {
  title: string;
  testId: string;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  const titleId = `${props.testId}-title`;
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    // The first control, else the box itself, takes the focus (keys go to the dialog, not the canvas).
    const first = box.current?.querySelector<HTMLElement>('button, input, select, [tabindex]');
    (first ?? box.current)?.focus();
    return () => previous?.focus?.();
  }, []);
  return (
    <div
      className="dialog-backdrop"
      onPointerDown={(e) => {
        if (e.target === e.currentTarget) props.onClose();
      }}
    >
      <div
        ref={box}
        className={`dialog${props.wide ? ' wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        data-testid={props.testId}
      >
        <div className="dialog-head">
          <h2 id={titleId}>{props.title}</h2>
          <button
            className="close"
            onClick={props.onClose}
            aria-label="Close"
            data-testid={`${props.testId}-close`}
          >
            ✕
          </button>
        </div>
        {props.children}
      </div>
    </div>
  );
}
