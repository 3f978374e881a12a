/**
 * Questions asked in turn of main, of which only the latest one's answer counts: main answers in
 * its own time (a status may wait for a verification while a later one is answered from memory),
 * so an answer to an earlier question (older arguments, or a reload a later one overtook) is
 * dropped rather than drawn over the answer to a later one.
 */
export function latestAnswers() {
  let asked = 0;
  return {
    async ask<T>(question: () => Promise<T>): Promise<{ readonly latest: true; readonly answer: T } | { readonly latest: false }> {
      const mine = (asked += 1);
      const answer = await question();
      return mine === asked ? { latest: true, answer } : { latest: false };
    },
  };
}
