import type { OutboundAction } from '../../dispatcher/deliver.js';

/**
 * Every named outbound action, in one registry the dispatcher reads. A tool
 * that needs to rewrite a request at send time or act on the answer adds
 * its action module here.
 */
const outboundActions: Record<string, OutboundAction> = {};

export { outboundActions };
