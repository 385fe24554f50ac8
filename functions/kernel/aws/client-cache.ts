/**
 * Forgetting cached AWS clients, without importing any client: the offline
 * runtime and the bench call {@link resetAwsClients} when they move the
 * endpoints, and each client module registers how to forget its client.
 * Kept apart so that a function loads only the SDK clients it uses.
 */
const resets = new Set<() => void>();

const onReset = (reset: () => void): void => {
  resets.add(reset);
};

/** Forget every cached client (tests that move endpoints between engines). */
const resetAwsClients = (): void => {
  for (const reset of resets) reset();
};

export { onReset, resetAwsClients };
