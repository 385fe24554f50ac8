import { crmPushAction } from '../../crm-outbound/push-action.js';
import { PUSH_ACTION } from '../../crm-outbound/plan-push.js';
import type { OutboundAction } from '../../dispatcher/deliver.js';

/**
 * Every named outbound action, in one registry the dispatcher reads. A tool
 * that needs to rewrite a request at send time or act on the answer adds
 * its action here.
 */
const outboundActions: Readonly<Record<string, OutboundAction>> = {
  [PUSH_ACTION]: crmPushAction,
};

export { outboundActions };
