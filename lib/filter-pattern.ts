/**
 * Lambda event filtering (matching and checking patterns) lives with the
 * wiring, `functions/kernel/wiring/filter-pattern.ts`, because the
 * stream-failure replayer applies a consumer's filters too; re-exported
 * here for the stack, the topology check and the offline runtime.
 */
export { checkFilterPattern, matchesFilters } from '../functions/kernel/wiring/filter-pattern.js';
