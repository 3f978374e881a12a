import { gatherCustodyReport } from '../../app/reports/report';
import { writeReportPdf } from '../../app/reports/report-pdf';
import { checkOutputPath } from '../../app/output-file';
import { KeywardError, isKeywardError } from '../../core/errors';
import type { CommandModule } from '../command';
import { progressOn, type Progress } from '../progress';

export const runs = {
  report: async ({ options, session, io }) => {
    checkOutputPath(options.out); // a bad --out is told before the ledger is verified and the report laid out
    const paper = String(options.paper ?? 'a4').toLowerCase();
    if (paper !== 'a4' && paper !== 'letter') throw new KeywardError('invalid_input', 'the paper is a4 or letter', 'paper');
    const signatories = Array.isArray(options.signatory) ? options.signatory : options.signatory === undefined ? [] : [options.signatory];
    let report;
    const verifying = progressOn(io, 'verifying the ledger', 'entries');
    try {
      report = gatherCustodyReport(session(), { from: options.from, to: options.to, organisation: options.organisation, site: options.site, signatories, despiteFailedVerification: options['despite-failed-verification'] === true }, verifying.report);
    } catch (error) {
      if (!isKeywardError(error) || error.code !== 'verification_failed') throw error;
      return { value: { ok: false, written: false, reason: error.message }, human: `LEDGER DID NOT VERIFY: ${error.message}.\nRun "keyward ledger verify" to see the first bad entry; --despite-failed-verification makes the report with a red banner on every page.`, exitCode: 2 };
    } finally {
      verifying.end();
    }
    // Rows measured, then rows written: one line on stderr for each, at a terminal only.
    const lines: Record<string, Progress> = {};
    const { pages } = await writeReportPdf(report, String(options.out), paper === 'a4' ? 'A4' : 'LETTER', (step, rows, of) => {
      if (step === 'writing') lines.measuring?.end();
      (lines[step] ??= progressOn(io, step === 'measuring' ? 'measuring the report' : 'writing the report', 'entries')).report(rows, of);
    }).finally(() => Object.values(lines).forEach((line) => line.end()));
    return { value: { id: report.id, out: options.out, pages, headHash: report.headHash, headSeq: report.headSeq }, human: `wrote report ${report.id} (${pages} pages) to ${options.out}\nledger head: ${report.headHash}` };
  },
} satisfies CommandModule['runs'];
