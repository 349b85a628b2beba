/**
 * A signal as an AbortSignal for the library: on SIGINT or SIGTERM the returned signal aborts at
 * once. Commands install it before `closeSandboxesOnSignal`, so that by the time sandboxes are being
 * closed under running work, the work already knows it was interrupted and records no result.
 */
export function abortOnSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => controller.abort(new Error(`interrupted by ${signal}`));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
