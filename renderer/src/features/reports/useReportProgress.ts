import { useEffect, useState } from 'react';
import type { KeywardEvents } from '../../../../electron/common/bridge';

export type ReportProgress = KeywardEvents['report:progress'];

/** Follows main's progress events while a report is gathered and written. */
export function useReportProgress(): [ReportProgress | undefined, () => void] {
  const [progress, setProgress] = useState<ReportProgress | undefined>(undefined);
  useEffect(() => (window.keyward ? window.keyward.on('report:progress', setProgress) : undefined), []);
  return [progress, () => setProgress(undefined)];
}

const count = (n: number) => n.toLocaleString('en-GB');

/** How far the report has got, in words: verifying the ledger, laying out the rows, writing the PDF. */
export function describeReportProgress(p: ReportProgress): string {
  switch (p.step) {
    case 'verifying':
      return `Verifying the ledger: entry ${count(p.done)} of ${count(p.of)}…`;
    case 'measuring':
      return `Laying out the report: row ${count(p.done)} of ${count(p.of)}…`;
    case 'writing':
      return `Writing the PDF: row ${count(p.done)} of ${count(p.of)}…`;
  }
}
