import { describe, expect, it } from 'vitest';
import { latestAnswers } from './latest-answer';

/** A question whose answer comes when the test says so. */
function deferred<T>() {
  let answer!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (answer = resolve));
  return { question: () => promise, answer };
}

describe('latestAnswers', () => {
  it('drops the answer to an earlier question that arrives after a later one was asked', async () => {
    const answers = latestAnswers();
    const first = deferred<string>();
    const second = deferred<string>();
    const earlier = answers.ask(first.question);
    const later = answers.ask(second.question);
    second.answer('page 2');
    expect(await later).toEqual({ latest: true, answer: 'page 2' });
    first.answer('page 1');
    expect(await earlier).toEqual({ latest: false });
  });

  it('drops it too when it arrives first, while the later question is still waiting', async () => {
    const answers = latestAnswers();
    const first = deferred<string>();
    const second = deferred<string>();
    const earlier = answers.ask(first.question);
    const later = answers.ask(second.question);
    first.answer('stale');
    expect(await earlier).toEqual({ latest: false });
    second.answer('fresh');
    expect(await later).toEqual({ latest: true, answer: 'fresh' });
  });

  it('keeps every answer of questions asked one after the other', async () => {
    const answers = latestAnswers();
    expect(await answers.ask(async () => 1)).toEqual({ latest: true, answer: 1 });
    expect(await answers.ask(async () => 2)).toEqual({ latest: true, answer: 2 });
  });
});
