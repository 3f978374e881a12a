import { drillKeySource, hidKeySource } from '../../app/presence/key-sources';
import { attestStep, completeValidation, readValidation, recordSubscriptionChange, startValidation } from '../../app/guidance/validation';
import type { ValidationState } from '../../core/guidance/validation';
import type { CommandContext, CommandModule } from '../command';
import { table } from '../format';

function describe(state: ValidationState): string {
  const lines = [
    state.due ? `VALIDATION DUE: ${state.reasons.join('; ')}` : `next validation due by ${state.dueAt?.slice(0, 10)} (${state.daysRemaining} days)`,
    `last completed: ${state.lastCompletedAt ?? 'never'}`,
  ];
  if (state.current) lines.push('', `under way since ${state.current.startedAt} (entry ${state.current.startedSeq}):`, table(['STEP', 'STATUS', 'BY', 'ENTRY'], state.current.steps.map((s) => [s.id, s.status, s.by ?? '', s.seq ?? ''])));
  const cleanup = state.current?.steps.find((s) => s.id === 'cleanup-excluded');
  if (cleanup?.status === 'open') {
    lines.push('', 'cleanup-excluded, account by account:', ...(cleanup.accounts ?? []).map((a) => `  ${a.upn}: ${a.exclusion}, attested by ${a.by} (entry ${a.seq})`), ...(cleanup.pending ?? []).map((upn) => `  ${upn}: to attest`));
  }
  return lines.join('\n');
}

const keys = (context: CommandContext) => (context.options.simulated === true ? drillKeySource(context.session().db, { store: 'custodians' }) : hidKeySource());

export const runs = {
  validationStatus: ({ session }) => {
    const state = readValidation(session());
    return { value: state, human: describe(state), exitCode: state.due ? 2 : 0 };
  },
  validationStart: ({ session }) => ({ value: startValidation(session()), human: 'validation started' }),
  validationAttest: async (context) => {
    const { step, custodian, note, account, policy, 'no-cleanup-in-tenant': none } = context.options;
    const state = await attestStep(context.session(), keys(context), { step, custodian, note, account, policies: policy, noCleanupInTenant: none === true });
    return { value: state, human: describe(state) };
  },
  validationWaive: async (context) => {
    const state = await attestStep(context.session(), keys(context), { step: context.options.step, custodian: context.options.custodian, reason: context.options.reason }, true);
    return { value: state, human: describe(state) };
  },
  validationComplete: ({ session }) => ({ value: completeValidation(session()), human: 'validation completed' }),
  validationSubscriptionChange: ({ options, session }) => ({ value: recordSubscriptionChange(session(), { note: options.note }), human: 'recorded; a validation is now due' }),
} satisfies CommandModule['runs'];
