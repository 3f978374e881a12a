import { importDirectoryAudits, reconcileDirectoryAudits } from '../../app/guidance/audits';
import type { CommandModule } from '../command';
import { table } from '../format';
import { withProgress } from '../progress';

export const runs = {
  auditlogImport: ({ options, session, io }) => {
    const result = withProgress(io, `importing ${String(options.file)}`, 'bytes', (report) => importDirectoryAudits(session(), String(options.file), report));
    return {
      value: result,
      human: result.alreadyImported ? `${result.file} was imported before (SHA-256 ${result.sha256}); nothing added` : `imported ${result.records} audit record(s) from ${result.file}: ${result.added} new\nSHA-256 ${result.sha256}`,
    };
  },
  auditlogReconcile: ({ session }) => {
    const r = reconcileDirectoryAudits(session());
    const human = [
      `${r.explained.length} change(s) explained by a checkout or a validation cycle; ${r.incidents.length} incident(s)`,
      r.incidents.length
        ? `\nINCIDENTS — changes outside any checkout or validation:\n${table(['WHEN (UTC)', 'WHAT', 'TO', 'BY'], r.incidents.map((c) => [c.audit.at, c.what, c.subject.label, c.audit.initiatedByUpn || c.audit.initiatedBy]))}`
        : '',
    ].join('');
    return { value: r, human, exitCode: r.incidents.length ? 2 : 0 };
  },
} satisfies CommandModule['runs'];
