import { importSignIns, reconcileSignIns } from '../../app/guidance/signins';
import type { CommandModule } from '../command';
import { table } from '../format';
import { withProgress } from '../progress';

export const runs = {
  signinsImport: ({ options, session, io }) => {
    const result = withProgress(io, `importing ${String(options.file)}`, 'bytes', (report) => importSignIns(session(), String(options.file), report));
    return {
      value: result,
      human: result.alreadyImported
        ? `${result.file} was imported before (SHA-256 ${result.sha256}); nothing added`
        : `imported ${result.records} sign-ins from ${result.file}: ${result.added} new, ${result.alreadyKnown} already kept\nSHA-256 ${result.sha256}`,
    };
  },
  signinsReconcile: ({ session }) => {
    const r = reconcileSignIns(session());
    const attention = r.incidents.length > 0 || r.failedBursts.length > 0;
    const human = [
      `${r.explained.length} sign-in(s) explained by a logged checkout; ${r.incidents.length} incident(s); ${r.incompleteDrills.length} incomplete drill(s); ${r.failedBursts.length} burst(s) of failures`,
      r.incidents.length ? `\nINCIDENTS — sign-ins outside any checkout:\n${table(['WHEN (UTC)', 'USER ID', 'UPN', 'APP', 'IP', 'ERROR'], r.incidents.map((s) => [s.createdAt, s.userId, s.upn, s.app, s.ip, s.errorCode]))}` : '',
      r.incompleteDrills.length ? `\nDrills without a successful sign-in: ${r.incompleteDrills.map((w) => `${w.label} (checkout entry ${w.checkoutSeq})`).join(', ')}` : '',
      r.failedBursts.length ? `\nFailed sign-in bursts: ${r.failedBursts.map((b) => `${b.count} failures for ${b.userId} from ${b.from} to ${b.to}`).join('; ')}` : '',
    ].join('');
    return { value: r, human, exitCode: attention ? 2 : 0 };
  },
} satisfies CommandModule['runs'];
