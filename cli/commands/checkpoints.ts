import { listCheckpoints, nameSite, recordCheckpoint } from '../../app/ledger/checkpoints';
import { drillKeySource, hidKeySource } from '../../app/presence/key-sources';
import type { CommandContext, CommandModule } from '../command';
import { table } from '../format';

const custodianKeys = (context: CommandContext) => (context.options.simulated === true ? drillKeySource(context.session().db, { store: 'custodians' }) : hidKeySource());

export const runs = {
  checkpoint: async (context) => {
    const { options, io } = context;
    const checkpoint = await recordCheckpoint(context.session(), custodianKeys(context), { custodian: options.custodian, witness: options.witness }, (step) =>
      io.stderr(step.step === 'touch' ? `${step.role} ${step.name}: touch your key now\n` : `${step.role} ${step.name}: signed\n`),
    );
    return {
      value: checkpoint,
      human: `checkpoint ${checkpoint.number} (entry ${checkpoint.seq}) signed by ${checkpoint.custodian} and ${checkpoint.witness}\npins head ${checkpoint.headHash} after ${checkpoint.entries} entries\ncheckpoint hash ${checkpoint.hash}`,
    };
  },
  checkpointList: ({ session }) => {
    const checkpoints = listCheckpoints(session().db);
    return {
      value: checkpoints,
      human: table(['N', 'ENTRY', 'RECORDED (UTC)', 'ENTRIES', 'HEAD', 'SIGNED BY', 'CHECKPOINT HASH'], checkpoints.map((c) => [c.number, c.seq, c.recordedAt, c.entries, c.headHash.slice(0, 16), `${c.custodian}, ${c.witness}${c.drill ? ' (drill)' : ''}`, c.hash])),
    };
  },
  siteName: ({ options, session }) => {
    const site = nameSite(session(), { name: options.name });
    return { value: site, human: `this site is ${site.name} (site id ${site.id})` };
  },
} satisfies CommandModule['runs'];
