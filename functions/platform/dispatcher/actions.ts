import { crmOutboundActions } from '../../crm/actions.js';
import { erpOutboundActions } from '../../erp/actions.js';
import type { OutboundActions } from '../../kernel/outbound/action.js';
import { monitorOutboundActions } from '../../monitor/actions.js';
import { usersOutboundActions } from '../../users/actions.js';

/**
 * Every tool's outbound actions in one registry, the only place that knows
 * which tools have any: the dispatcher is a shared Lambda and may import a
 * tool's `actions.ts`, the kernel may not. A new tool with actions adds its
 * export here; two tools may not use the same name.
 */
const assemble = (...parts: readonly OutboundActions[]): OutboundActions => {
  const registry: Record<string, OutboundActions[string]> = {};
  for (const part of parts) {
    for (const [name, action] of Object.entries(part)) {
      if (registry[name]) throw new Error(`Outbound action ${name} is registered twice`);
      registry[name] = action;
    }
  }
  return registry;
};

const outboundActions: OutboundActions = assemble(
  crmOutboundActions,
  erpOutboundActions,
  monitorOutboundActions,
  usersOutboundActions,
);

export { outboundActions };
