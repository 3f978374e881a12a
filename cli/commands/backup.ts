import { existsSync } from 'node:fs';
import { backupDatabase } from '../../app/backup/backup';
import { restoreDatabase } from '../../app/backup/restore';
import { hidKeySource } from '../../app/presence/key-sources';
import type { CommandModule } from '../command';
import { progressOn } from '../progress';

export const runs = {
  backup: async ({ options, session, io }) => {
    const progress = progressOn(io, 'backing up (database pages)', 'entries');
    const result = await backupDatabase(session(), { out: options.out }, progress.report).finally(progress.end);
    return {
      value: result,
      human: `backed up to ${result.out}, verified: ${result.headSeq} entries, head ${result.headHash}, ${result.checkpoints} checkpoints\nfile SHA-256 ${result.sha256} (recorded in ledger entry ${result.ledgerSeq})`,
    };
  },
  restore: async (context) => {
    const { options, io, databasePath } = context;
    const current = existsSync(databasePath) ? context.session() : undefined;
    const clock = current?.clock ?? { now: () => new Date(), utcOffsetMinutes: (at: Date) => -at.getTimezoneOffset() };
    const actor = current?.actor ?? { role: 'operator' as const, name: io.env.KEYWARD_OPERATOR || 'operator' };
    const result = await restoreDatabase(
      { path: databasePath, current, clock, actor },
      hidKeySource(),
      { file: options.file, expectCheckpoint: options['expect-checkpoint'], custodian: options.custodian, witness: options.witness, reason: options.reason },
      (step) => io.stderr(step.step === 'touch' ? `${step.role} ${step.name}: touch your key now\n` : `${step.role} ${step.name}: signed\n`),
    );
    return {
      value: result,
      human: `restored ${String(options.file)} to ${result.path}: head entry ${result.headSeq} ${result.headHash}${result.rollback ? `\nWENT BACK behind ${result.behind.length} checkpoint(s), signed by two custodians (ledger entry ${result.ledgerSeq})` : ''}`,
    };
  },
} satisfies CommandModule['runs'];
