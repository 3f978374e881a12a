import { buildCustodyReport } from '../../app/reports/report';
import { writeReportPdf } from '../../app/reports/report-pdf';
import { checkOutputPath } from '../../app/output-file';
import { KeywardError, isKeywardError } from '../../core/errors';
import type { CommandModule } from '../command';

export const runs = {
  report: async ({ options, session }) => {
    checkOutputPath(options.out); // a bad --out is told before the ledger is verified and the report laid out
    const paper = String(options.paper ?? 'a4').toLowerCase();
    if (paper !== 'a4' && paper !== 'letter') throw new KeywardError('invalid_input', 'the paper is a4 or letter', 'paper');
    const signatories = Array.isArray(options.signatory) ? options.signatory : options.signatory === undefined ? [] : [options.signatory];
    let report;
    try {
      report = buildCustodyReport(session(), { from: options.from, to: options.to, organisation: options.organisation, site: options.site, signatories, despiteFailedVerification: options['despite-failed-verification'] === true });
    } catch (error) {
      if (!isKeywardError(error) || error.code !== 'verification_failed') throw error;
      return { value: { ok: false, written: false, reason: error.message }, human: `LEDGER DID NOT VERIFY: ${error.message}.\nRun "keyward ledger verify" to see the first bad entry; --despite-failed-verification makes the report with a red banner on every page.`, exitCode: 2 };
    }
    const { pages } = await writeReportPdf(report, String(options.out), paper === 'a4' ? 'A4' : 'LETTER');
    return { value: { id: report.id, out: options.out, pages, headHash: report.headHash, headSeq: report.headSeq }, human: `wrote report ${report.id} (${pages} pages) to ${options.out}\nledger head: ${report.headHash}` };
  },
} satisfies CommandModule['runs'];
