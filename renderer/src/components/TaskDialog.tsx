import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

/**
 * An "Add …" button that opens one task in a modal dialog: the rest of the screen waits, focus
 * starts in the dialog's first field, Escape or Close cancels, and focus comes back to the
 * button. The task gets `close` to call once it is saved.
 */
export function TaskDialog({ opener, title, children }: { readonly opener: string; readonly title: string; readonly children: (close: () => void) => ReactNode }) {
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) {
      element.showModal();
      element.querySelector<HTMLElement>('input, select, textarea')?.focus();
    }
    if (!open && element.open) element.close();
  }, [open]);
  // Chromium gives the focus back to the opener as the modal closes (it was focused when the dialog
  // opened). Focusing it here as well did nothing while the modal was open (the page behind it is
  // inert), and after Escape it ran a task late: it took the focus back from wherever it had gone.
  const close = () => setOpen(false);
  return (
    <>
      <button type="button" className="secondary" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        {opener}
      </button>
      <dialog ref={dialog} className="task-dialog" aria-labelledby={titleId} onClose={() => open && close()}>
        {open && (
          <>
            <div className="dialog-head">
              <h3 id={titleId}>{title}</h3>
              <button type="button" className="secondary dialog-close" onClick={close}>
                Close
              </button>
            </div>
            <div className="dialog-body">{children(close)}</div>
          </>
        )}
      </dialog>
    </>
  );
}
