import type { OutboundActions } from '../kernel/outbound/action.js';
import { erpFetchAction } from './fetch/fetch-action.js';
import { FETCH_ACTION } from './fetch/plan-fetch.js';

/**
 * ERP sync's outbound actions, by the name its messages carry. The
 * dispatcher assembles every tool's actions (`platform/dispatcher/actions.ts`).
 */
export const erpOutboundActions: OutboundActions = {
  [FETCH_ACTION]: erpFetchAction,
};
