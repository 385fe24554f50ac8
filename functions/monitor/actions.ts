import { loadIntegration } from '../kernel/config/secrets.js';
import type { OutboundActions } from '../kernel/outbound/action.js';
import { PAGERDUTY_ACTION } from './job/alert-messages.js';

/**
 * The monitor's outbound actions, assembled by the dispatcher
 * (`platform/dispatcher/actions.ts`). `monitor.pagerduty` puts the
 * pagerduty integration's `routingKey` into the event's body just before
 * sending: the queued message carries no key, so a rotated key applies to
 * alerts already queued. Without a key the attempt fails (and is retried,
 * then dead-lettered with the reason), rather than sent to be refused.
 */
export const monitorOutboundActions: OutboundActions = {
  [PAGERDUTY_ACTION]: {
    prepare: async (message) => {
      const loaded = await loadIntegration('pagerduty', ['routingKey']);
      if (!loaded.ok) throw new Error(`PagerDuty routing key is not configured: ${loaded.problems.join('; ')}`);
      const request = message.request;
      if (request.kind !== 'http') throw new Error(`${PAGERDUTY_ACTION} takes an HTTP request`);
      return {
        request: { ...request, body: { routing_key: loaded.settings.routingKey, ...(request.body as object) } },
      };
    },
  },
};
