import { countForIntegration } from '../integration-metric.js';
import { logger } from '../observability.js';
import { type ErpChange, decideErpChange } from './erp-decision.js';
import type { ErpItem } from './erp-items.js';
import { getErpItem } from './erp-reads.js';
import { putErpItem } from './erp-store.js';

/**
 * The stored-entity half of applying an ERP change (every entity but
 * `inventory`): read the item, decide ({@link decideErpChange}), write it
 * conditionally on the version read, and on a lost race read and decide
 * again. Shared by the ERP tool (webhook, id-only fetch) and bulk sync, so
 * a bulk-loaded order is deduped, ordered and written exactly as a pushed
 * one.
 */

/** What became of the change, with the items a caller needs to describe it. */
export type StoredErpOutcome =
  /** Written: the item as it was (undefined: new) and as it is now. */
  | { readonly kind: 'written'; readonly before: ErpItem | undefined; readonly item: ErpItem }
  /** Refused, nothing written: older than what was applied, or the very payload applied last. */
  | { readonly kind: 'stale' | 'duplicate'; readonly before: ErpItem | undefined };

/**
 * A lost race is read again and decided again. Each loss means another
 * write to the entity won, so N writers racing on one entity lose at most
 * N - 1 times each; 30 covers a burst of 30 changes to one order (an ERP
 * replaying its backlog), and only a runaway sender passes it.
 */
const MAX_ROUNDS = 30;

/** A random pause that grows with the round, so writers that keep colliding spread out. */
const backOff = (round: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(5 * round, 50)));

/**
 * Applies one change to its stored entity.
 *
 * @example
 * const outcome = await applyStoredErpChange({ eventType: 'updated', entity: 'salesOrder', entityId: 'SO-1', payload });
 * if (outcome.kind === 'written') logger.info('order written', { version: outcome.item.version });
 */
const applyStoredErpChange = async (change: ErpChange): Promise<StoredErpOutcome> => {
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const existing = await getErpItem(change.entity, change.entityId);
    const decision = decideErpChange(existing, change);
    if (decision.kind !== 'write') {
      logger.info('ERP event not applied', {
        entity: change.entity,
        entity_id: change.entityId,
        outcome: decision.kind,
      });
      return { kind: decision.kind, before: existing };
    }
    if (await putErpItem(decision.item, decision.expectedVersion)) {
      countForIntegration('Inbound_synced', 'erp');
      return { kind: 'written', before: existing, item: decision.item };
    }
    logger.debug('ERP entity changed while applying; deciding again', { entity: change.entity, round });
    await backOff(round);
  }
  throw new Error(`ERP ${change.entity} ${change.entityId} kept changing; ${MAX_ROUNDS} writes lost the race`);
};

export { applyStoredErpChange };
