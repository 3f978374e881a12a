import { drillKeySource, hidKeySource } from '../../app/presence/key-sources';
import { attestStep, completeValidation, readValidation, recordSubscriptionChange, startValidation } from '../../app/guidance/validation';
import type { ValidationState } from '../../core/guidance/validation';
import type { Command, CommandContext } from '../command';
import { table } from '../format';

function describe(state: ValidationState): string {
  const lines = [
    state.due ? `VALIDATION DUE: ${state.reasons.join('; ')}` : `next validation due by ${state.dueAt?.slice(0, 10)} (${state.daysRemaining} days)`,
    `last completed: ${state.lastCompletedAt ?? 'never'}`,
  ];
  if (state.current) lines.push('', `under way since ${state.current.startedAt} (entry ${state.current.startedSeq}):`, table(['STEP', 'STATUS', 'BY', 'ENTRY'], state.current.steps.map((s) => [s.id, s.status, s.by ?? '', s.seq ?? ''])));
  return lines.join('\n');
}

const keys = (context: CommandContext) => (context.options.simulated === true ? drillKeySource(context.session().db, { store: 'custodians' }) : hidKeySource());
const stepOptions = {
  step: { type: 'string' as const, required: true, value: 'STEP', help: 'monitoring-informed, process-documented, people-trained, credentials-tested, no-personal-mfa or two-paths' },
  custodian: { type: 'string' as const, required: true, value: 'NAME', help: 'the custodian who attests, with their own key' },
  simulated: { type: 'boolean' as const, help: 'the custodian uses a drill key' },
};

export const validationCommands: Command[] = [
  {
    path: ['validation', 'status'],
    summary: 'Whether a validation is due, and the checklist of one under way; exit 2 while one is due',
    options: {},
    run: ({ session }) => {
      const state = readValidation(session());
      return { value: state, human: describe(state), exitCode: state.due ? 2 : 0 };
    },
  },
  { path: ['validation', 'start'], summary: 'Start a validation (the guidance\'s checklist)', options: {}, run: ({ session }) => ({ value: startValidation(session()), human: 'validation started' }) },
  {
    path: ['validation', 'attest'],
    summary: 'Attest one step of the validation with a key touch',
    options: { ...stepOptions, note: { type: 'string', value: 'TEXT', help: 'what was done' } },
    run: async (context) => {
      const state = await attestStep(context.session(), keys(context), { step: context.options.step, custodian: context.options.custodian, note: context.options.note });
      return { value: state, human: describe(state) };
    },
  },
  {
    path: ['validation', 'waive'],
    summary: 'Waive one step, with a reason, attested with a key touch',
    options: { ...stepOptions, reason: { type: 'string', required: true, value: 'TEXT', help: 'why the step is waived' } },
    run: async (context) => {
      const state = await attestStep(context.session(), keys(context), { step: context.options.step, custodian: context.options.custodian, reason: context.options.reason }, true);
      return { value: state, human: describe(state) };
    },
  },
  { path: ['validation', 'complete'], summary: 'Complete the validation once every step is attested or waived', options: {}, run: ({ session }) => ({ value: completeValidation(session()), human: 'validation completed' }) },
  {
    path: ['validation', 'subscription-change'],
    summary: 'Record a change of the Entra subscriptions (a validation falls due at once)',
    options: { note: { type: 'string', required: true, value: 'TEXT', help: 'what changed' } },
    run: ({ options, session }) => ({ value: recordSubscriptionChange(session(), { note: options.note }), human: 'recorded; a validation is now due' }),
  },
];
