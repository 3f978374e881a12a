import { useEffect, useRef, useState } from 'react';
import type { ReplyError } from '../../../../electron/common/channels';
import { invoke } from '../../lib/ipc';

/**
 * While a drill key waits for a touch, whichever screen asked for it: the custodian presses
 * "Touch" where they would touch a real key (or refuses, to rehearse a denied approval). Focus
 * moves to the prompt and back, so it works from the keyboard alone; Escape does not dismiss it
 * unanswered (the key would still be waiting).
 */
export function DrillTouchPrompt() {
  const [label, setLabel] = useState<string | undefined>(undefined);
  const [error, setError] = useState<ReplyError | undefined>(undefined);
  const touchButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef<Element | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(
    () =>
      window.keyward?.on('drill:touch', ({ label: waitingLabel, waiting }) => {
        setError(undefined);
        setLabel((current) => (waiting ? waitingLabel : current === waitingLabel ? undefined : current));
      }),
    [],
  );
  useEffect(() => {
    if (label) {
      returnFocus.current ??= document.activeElement;
      // Modal, so it sits above any dialog that asked for the touch and takes the keyboard.
      if (dialog.current && !dialog.current.open) dialog.current.showModal();
      touchButton.current?.focus();
    } else if (returnFocus.current) {
      (returnFocus.current as HTMLElement).focus?.();
      returnFocus.current = null;
    }
  }, [label]);

  if (!label) return null;
  const answer = async (value: 'touched' | 'denied') => {
    const reply = await invoke('drill:touch', { answer: value });
    if (!reply.ok) setError(reply.error);
  };
  return (
    <dialog ref={dialog} className="drill-touch no-print" role="alertdialog" aria-labelledby="drill-touch-title" aria-describedby="drill-touch-help" onCancel={(e) => e.preventDefault()}>
      <h2 id="drill-touch-title">Drill: the key labelled {label} is blinking</h2>
      <p id="drill-touch-help">Touch it as you would the real key. Nothing is signed until you do; the request times out as a real key's would.</p>
      <div className="drill-touch-actions">
        <button ref={touchButton} type="button" onClick={() => void answer('touched')}>
          Touch {label}
        </button>
        <button type="button" className="secondary" onClick={() => void answer('denied')}>
          Refuse the touch
        </button>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
    </dialog>
  );
}
