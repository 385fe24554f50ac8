import type { OutboundMessageInput } from '../../kernel/outbound/message.js';
import type { Alert } from '../domain/alert-plan.js';

/**
 * The outbound messages of a run's alerts. All in one message group, so a
 * trigger is delivered before its resolve and Slack messages arrive in
 * order. Ids derive from the report's time (Slack) or the incident key
 * (PagerDuty), so a run retried within SQS's 5-minute window queues them
 * once.
 *
 * PagerDuty's `routing_key` is not in the message (messages hold no keys):
 * the `monitor.pagerduty` action (`functions/monitor/actions.ts`) adds it
 * from the pagerduty integration's settings at send time.
 */
const ALERT_GROUP = 'monitor#alerts';
/** The outbound action that fills in PagerDuty's routing key. */
const PAGERDUTY_ACTION = 'monitor.pagerduty';
/** PagerDuty's `payload.source`: what is unwell. */
const SOURCE = 'sync-tools sync monitor';

/**
 * @example
 * await enqueueOutbound(alertMessages(alerts, report.checked_at));
 */
const alertMessages = (alerts: readonly Alert[], checkedAt: string): OutboundMessageInput[] =>
  alerts.map((alert, index) =>
    alert.kind === 'slack'
      ? {
          id: `monitor#${checkedAt}#slack#${index}`,
          group: ALERT_GROUP,
          request: { integration: 'slack', method: 'POST', path: '', body: { text: alert.text } },
          context: { record_type: 'health', record_id: checkedAt },
        }
      : {
          id: `monitor#${alert.dedup_key}#${alert.event_action}`,
          group: ALERT_GROUP,
          request: {
            integration: 'pagerduty',
            method: 'POST',
            path: '',
            body: {
              event_action: alert.event_action,
              dedup_key: alert.dedup_key,
              ...(alert.event_action === 'trigger'
                ? {
                    payload: {
                      summary: alert.summary,
                      source: SOURCE,
                      severity: alert.severity ?? 'critical',
                      timestamp: checkedAt,
                      custom_details: alert.custom_details ?? {},
                    },
                  }
                : {}),
            },
          },
          action: { name: PAGERDUTY_ACTION, params: {} },
          context: { record_type: 'health', record_id: alert.dedup_key },
        },
  );

export { ALERT_GROUP, PAGERDUTY_ACTION, alertMessages };
