import type { ReactNode } from 'react';

/**
 * The one layout of every screen: a header (title, one line of context, the screen's actions)
 * above a single column of panels. Panels that belong side by side go in `Columns`, which
 * stacks them when the window is narrow.
 */
export function Screen({ id, title, intro, actions, children }: { readonly id: string; readonly title: string; readonly intro?: ReactNode; readonly actions?: ReactNode; readonly children: ReactNode }) {
  return (
    <section aria-labelledby={`${id}-title`} className="screen">
      <header className="screen-header">
        <h2 id={`${id}-title`} tabIndex={-1}>
          {title}
        </h2>
        {actions && <div className="screen-actions">{actions}</div>}
        {intro && <div className="screen-intro-text">{intro}</div>}
      </header>
      {children}
    </section>
  );
}

/** A titled card; its actions (an "Add …" button that opens a dialog) sit at the right of the title. */
export function Panel({ id, title, actions, children, className }: { readonly id: string; readonly title: ReactNode; readonly actions?: ReactNode; readonly children: ReactNode; readonly className?: string }) {
  return (
    <section className={`panel${className ? ` ${className}` : ''}`} aria-labelledby={`${id}-title`}>
      <div className="panel-head">
        <h3 id={`${id}-title`} className="panel-title">
          {title}
        </h3>
        {actions && <div className="panel-actions">{actions}</div>}
      </div>
      <div className="panel-body">{children}</div>
    </section>
  );
}

export function Columns({ children }: { readonly children: ReactNode }) {
  return <div className="columns">{children}</div>;
}
