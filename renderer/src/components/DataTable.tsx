import type { ReactNode } from 'react';

interface Props<Row> {
  readonly caption: string;
  readonly columns: readonly { readonly header: string; readonly cell: (row: Row) => ReactNode }[];
  readonly rows: readonly Row[] | undefined;
  readonly rowKey: (row: Row) => string | number;
  readonly empty: string;
  /** Marks a row (the failing ledger entry, an overdue item): its class name. */
  readonly rowClass?: (row: Row) => string | undefined;
}

/**
 * A plain, accessible table with a caption and a clear empty state. A table wider than its panel
 * scrolls inside its own wrapper (focusable, so the keyboard can scroll it too), never the page.
 */
export function DataTable<Row>({ caption, columns, rows, rowKey, empty, rowClass }: Props<Row>) {
  return (
    <div className="table-wrap" role="region" aria-label={caption} tabIndex={0}>
      <table className="data-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" key={c.header}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows === undefined ? (
            <tr>
              <td colSpan={columns.length} className="empty">
                Loading…
              </td>
            </tr>
          ) : rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length} className="empty">
                {empty}
              </td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={rowKey(row)} className={rowClass?.(row)}>
                {columns.map((c) => (
                  <td key={c.header}>{c.cell(row)}</td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
