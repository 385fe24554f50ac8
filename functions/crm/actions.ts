import type { OutboundActions } from '../kernel/outbound/action.js';
import { PUSH_ACTION } from './outbound/plan-push.js';
import { crmPushAction } from './outbound/push-action.js';

/**
 * CRM sync's outbound actions, by the name its messages carry. The
 * dispatcher assembles every tool's actions (`platform/dispatcher/actions.ts`).
 */
export const crmOutboundActions: OutboundActions = {
  [PUSH_ACTION]: crmPushAction,
};
