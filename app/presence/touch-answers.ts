import { CtapStatus } from '../../native/ctap2/constants';
import { CtapError } from '../../native/ctap2/errors';

/** What the person at the desk did, for the statuses that are about them rather than the key. */
const PERSON_STATUS: Partial<Record<number, string>> = {
  [CtapStatus.OPERATION_DENIED]: 'the touch was refused',
  [CtapStatus.USER_ACTION_TIMEOUT]: 'nobody touched the key in time',
  [CtapStatus.KEEPALIVE_CANCEL]: 'the wait for a touch was cancelled',
};

/** The key's answer in words when it is about the person (a refused, missing or cancelled touch), with its status; undefined otherwise. */
export function personAnswer(error: unknown): string | undefined {
  if (!(error instanceof CtapError)) return undefined;
  const words = PERSON_STATUS[error.status];
  return words && `${words} (${error.statusName})`;
}
