import { useState } from 'react';
import { useChannel } from '../../lib/useChannel';

/** Each alert query in a read-only box, with a button that copies it (select, then the system's copy). */
export function AlertQueries() {
  const { value: queries, error } = useChannel('facts:kql', {});
  const [copied, setCopied] = useState('');
  if (error) return <p>{error.message}</p>;
  if (!queries) return <p>Loading…</p>;

  const copy = (id: string) => {
    const box = document.getElementById(`kql-${id}`) as HTMLTextAreaElement | null;
    if (!box) return;
    box.focus();
    box.select();
    // Copying the selection needs no clipboard permission; where it is refused, the text stays selected for Ctrl+C.
    setCopied(document.execCommand('copy') ? `Copied: ${id}` : `Selected: ${id} (press Ctrl+C)`);
  };

  return (
    <div>
      <p className="visually-hidden" role="status" aria-live="polite">
        {copied}
      </p>
      {queries.map((q) => (
        <div className="field" key={q.id}>
          <label htmlFor={`kql-${q.id}`}>{q.title}</label>
          <textarea id={`kql-${q.id}`} readOnly rows={q.query.split('\n').length} value={q.query} spellCheck={false} />
          <div className="button-row">
            <button type="button" onClick={() => copy(q.id)} aria-label={`Copy the query: ${q.title}`}>
              Copy
            </button>
          </div>
        </div>
      ))}
    </div>
  );
}
