/**
 * The one worker pool of batch runs (eval, rollout): runs `work` over `items` with at most
 * `maxWorkers` at a time, in order of the items. Once `signal` aborts, no new item starts; those
 * running finish (their cleanup must not be cut short). A `work` that throws stops new items from
 * starting and the error is raised once the running ones are done; a run that must go on past a
 * failed item catches it in `work` (rollout records it and carries on).
 */
export async function runWithWorkers<T, R>(
  items: readonly T[],
  maxWorkers: number,
  work: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<Array<R | undefined>> {
  const results: Array<R | undefined> = new Array(items.length).fill(undefined);
  let next = 0;
  let firstError: unknown;
  const worker = async (): Promise<void> => {
    while (next < items.length && !signal?.aborted && firstError === undefined) {
      const index = next++;
      try {
        results[index] = await work(items[index]!, index);
      } catch (error) {
        firstError ??= error;
      }
    }
  };
  const count = Math.max(1, Math.min(Math.floor(maxWorkers), items.length));
  await Promise.all(Array.from({ length: count }, worker));
  if (firstError !== undefined) throw firstError;
  return results;
}
