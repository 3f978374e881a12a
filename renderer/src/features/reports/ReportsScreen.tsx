import { useState, type FormEvent } from 'react';
import type { ChannelResults, ReplyError } from '../../../../electron/common/channels';
import { Screen } from '../../components/Layout';
import { invoke } from '../../lib/ipc';
import { ReportView } from './ReportView';
import { describeReportProgress, useReportProgress } from './useReportProgress';
import { useFocusBack } from '../../lib/useFocusBack';

type Report = ChannelResults['report:preview'];

const firstOfMonth = () => `${new Date().toISOString().slice(0, 8)}01`;
const today = () => new Date().toISOString().slice(0, 10);

export function ReportsScreen() {
  const [report, setReport] = useState<Report | undefined>(undefined);
  const [error, setError] = useState<ReplyError | undefined>(undefined);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState<'preview' | 'save' | undefined>(undefined);
  const previewButton = useFocusBack<HTMLButtonElement>(busy === 'preview');
  const saveButton = useFocusBack<HTMLButtonElement>(busy === 'save');
  const [progress, clearProgress] = useReportProgress();
  // A table longer than the preview carries: the printout would miss rows, so the PDF is the way to paper.
  const cut = report?.sections.some((section) => section.table && section.table.total > section.table.rows.length) ?? false;

  const argsOf = (form: HTMLFormElement) => {
    const data = new FormData(form);
    const get = (name: string) => String(data.get(name) ?? '').trim();
    const signatories = get('signatories')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    return {
      from: get('from'),
      to: get('to'),
      ...(get('organisation') && { organisation: get('organisation') }),
      ...(get('site') && { site: get('site') }),
      ...(signatories.length && { signatories }),
      paper: get('paper') === 'letter' ? ('letter' as const) : ('a4' as const),
    };
  };

  async function preview(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const { paper: _paper, ...args } = argsOf(event.currentTarget);
    clearProgress();
    setMessage('');
    setBusy('preview');
    const reply = await invoke('report:preview', args);
    setBusy(undefined);
    if (reply.ok) {
      setReport(reply.value);
      setError(undefined);
    } else setError(reply.error);
  }

  async function save(form: HTMLFormElement | null) {
    if (!form) return;
    clearProgress();
    setMessage('');
    setBusy('save');
    const reply = await invoke('report:save', argsOf(form));
    setBusy(undefined);
    if (!reply.ok) return setError(reply.error);
    setError(undefined);
    setMessage(reply.value.saved ? `Saved ${reply.value.id} (${reply.value.pages} pages) to ${reply.value.path}.` : 'Not saved.');
  }

  async function print() {
    const reply = await invoke('report:print', {});
    setMessage(reply.ok && reply.value.printed ? 'Sent to the printer.' : 'Not printed.');
  }

  return (
    <Screen id="reports" title="Reports">
      <form id="report-form" className="entity-form report-form no-print" aria-label="Custody report" onSubmit={(e) => void preview(e)} noValidate>
        {error && (
          <p className="form-error" role="alert">
            {error.message}
          </p>
        )}
        <div className="fields two">
          <div className="field">
            <label htmlFor="report-from">From (YYYY-MM-DD)</label>
            <input id="report-from" name="from" type="text" inputMode="numeric" autoComplete="off" spellCheck={false} defaultValue={firstOfMonth()} />
          </div>
          <div className="field">
            <label htmlFor="report-to">To (YYYY-MM-DD)</label>
            <input id="report-to" name="to" type="text" inputMode="numeric" autoComplete="off" spellCheck={false} defaultValue={today()} />
          </div>
          <div className="field">
            <label htmlFor="report-organisation">Organisation</label>
            <input id="report-organisation" name="organisation" type="text" />
          </div>
          <div className="field">
            <label htmlFor="report-site">Site</label>
            <input id="report-site" name="site" type="text" />
          </div>
          <div className="field">
            <label htmlFor="report-signatories">Who signs (one "Name | Role" per line)</label>
            <textarea id="report-signatories" name="signatories" rows={3} />
          </div>
          <div className="field">
            <label htmlFor="report-paper">Paper</label>
            <select id="report-paper" name="paper" defaultValue="a4">
              <option value="a4">A4</option>
              <option value="letter">US Letter</option>
            </select>
          </div>
        </div>
        <div className="button-row">
          <button ref={previewButton} type="submit" disabled={busy !== undefined}>
            Preview
          </button>
          <button ref={saveButton} type="button" className="secondary" onClick={(e) => void save(e.currentTarget.form)} disabled={busy !== undefined}>
            Save PDF…
          </button>
          <button type="button" className="secondary" onClick={() => void print()} disabled={!report || cut || busy !== undefined} aria-describedby={cut ? 'report-print-hint' : undefined}>
            Print…
          </button>
        </div>
        {cut && (
          <p id="report-print-hint" className="hint">
            This period holds more rows than the preview shows: save the PDF, which holds them all, and print that.
          </p>
        )}
        <p className="progress" role="status" data-testid="report-progress">
          {busy ? (progress ? describeReportProgress(progress) : busy === 'preview' ? 'Gathering the report…' : 'Making the report…') : message}
        </p>
      </form>
      {report && <ReportView report={report} />}
    </Screen>
  );
}
