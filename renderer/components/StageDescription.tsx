/**
 * A stage's description in its Advanced card: the first sentence, and the rest behind a disclosure — a
 * real button (Tab reaches it, Enter and Space toggle it) whose aria-expanded says whether the text it
 * controls (aria-controls) is shown, as the WAI-ARIA disclosure pattern has it. The rest is a block of
 * its own under the first sentence, so opening it does not re-flow the sentence the user was reading.
 */
import { useState } from 'react';
import { shortText } from '../state/params';

/**
 * The text the disclosure shows: what follows the first sentence, or, where the first sentence itself
 * was cut ("…"), the rest of that sentence and what follows.
 */
export function descriptionRest(short: string, more: string): string {
  if (!short.endsWith('…')) return more;
  const lead = short.slice(0, -1);
  return more.startsWith(lead) ? `…${more.slice(lead.length).trimStart()}` : more;
}

export function StageDescription({ text, name, label }: { text: string; name: string; label: string }) {
  const [open, setOpen] = useState(false);
  const { short, more } = shortText(text);
  const id = `stage-${name}-more`;
  return (
    <div className="stage-description" data-testid={`stage-${name}-description`}>
      <p className="muted">{short}</p>
      {more && (
        <>
          <button
            type="button"
            className="disclosure small"
            aria-expanded={open}
            aria-controls={id}
            aria-label={`${open ? 'Less' : 'More'} about ${label}`}
            onClick={() => setOpen(!open)}
            data-testid={`stage-${name}-more-toggle`}
          >
            <span aria-hidden="true" className="chevron">
              {open ? '▾' : '▸'}
            </span>{' '}
            {open ? 'Less' : 'More'}
          </button>
          <div id={id} className="param-more" hidden={!open} data-testid={`stage-${name}-more`}>
            {descriptionRest(short, more)}
          </div>
        </>
      )}
    </div>
  );
}
