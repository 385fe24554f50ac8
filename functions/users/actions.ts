import type { OutboundActions } from '../kernel/outbound/action.js';
import { PUSH_ACTION } from './push/plan-messages.js';
import { directoryPushAction } from './push/push-action.js';

/**
 * User sync's outbound actions, by the name its messages carry. The
 * dispatcher assembles every tool's actions (`platform/dispatcher/actions.ts`).
 */
export const usersOutboundActions: OutboundActions = {
  [PUSH_ACTION]: directoryPushAction,
};
