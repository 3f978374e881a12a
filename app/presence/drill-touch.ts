import { KeywardError } from '../../core/errors';
import type { PresenceAnswer } from '../../native/authenticator/ctap2-engine';

/** Told when a drill key starts and stops waiting for a touch (the desktop shows its prompt). */
export type DrillTouchListener = (waiting: { readonly label: string; readonly waiting: boolean }) => void;

/**
 * The custodian's finger in a drill. A drill key waits here for a touch, as a real key blinks
 * until it is touched, so a rehearsal takes the same steps, touch prompts and timeouts as the
 * real thing; the desktop answers with the custodian's press of "Touch". One key waits at a
 * time, as one key is handled at a time.
 */
export class DrillTouchPad {
  #waiting: { readonly label: string; readonly answer: (answer: PresenceAnswer) => void } | undefined;

  constructor(private readonly listener: DrillTouchListener = () => undefined) {}

  /** The label of the drill key waiting for a touch, if one is. */
  get waitingLabel(): string | undefined {
    return this.#waiting?.label;
  }

  /** The presence callback of the drill key labelled `label`. */
  presenceFor(label: string): () => Promise<PresenceAnswer> {
    return () =>
      new Promise<PresenceAnswer>((answer) => {
        this.#end('timeout');
        this.#waiting = { label, answer };
        this.listener({ label, waiting: true });
      });
  }

  /** The person touched the key, or refused to. */
  answer(answer: unknown): { label: string } {
    if (answer !== 'touched' && answer !== 'denied') throw new KeywardError('invalid_input', 'answer must be "touched" or "denied"', 'answer');
    const waiting = this.#waiting;
    if (!waiting) throw new KeywardError('not_found', 'no drill key is waiting for a touch', 'answer');
    this.#end(answer);
    return { label: waiting.label };
  }

  /** The key labelled `label` stopped waiting (done, cancelled or closed): its prompt goes away. */
  release(label: string): void {
    if (this.#waiting?.label === label) this.#end('timeout');
  }

  #end(answer: PresenceAnswer): void {
    const waiting = this.#waiting;
    if (!waiting) return;
    this.#waiting = undefined;
    waiting.answer(answer);
    this.listener({ label: waiting.label, waiting: false });
  }
}
