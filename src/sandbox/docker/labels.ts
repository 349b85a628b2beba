/** The labels every sandbox container carries, by which prune and the CI hook find them. */
export const LABELS = {
  run: 'swe-srl.run',
  instance: 'swe-srl.instance',
} as const;
