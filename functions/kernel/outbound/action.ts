import type { HttpRequestSpec, MailRequestSpec, OutboundMessage } from './message.js';

/**
 * The contract between a tool and the dispatcher for calls that cannot be
 * fully described when they are queued. A tool exports its actions by name
 * (`functions/<tool>/actions.ts`); the dispatcher assembles every tool's
 * actions into one registry and looks a message's `action.name` up there.
 * The kernel only defines the shape: it knows no tool.
 */

interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * A hook a tool registers by name: it may rewrite the request just before
 * sending (or skip it), and act on a successful answer.
 */
interface OutboundAction {
  /** `state` is handed to `afterSuccess` as is (e.g. the record version that was sent). */
  prepare?(
    message: OutboundMessage,
  ): Promise<
    { readonly request: HttpRequestSpec | MailRequestSpec; readonly state?: unknown } | { readonly skip: string }
  >;
  afterSuccess?(message: OutboundMessage, answer: HttpAnswer, state: unknown): Promise<void>;
}

/** A tool's actions, by the name its messages carry (`crm.pushRecord`). */
type OutboundActions = Readonly<Record<string, OutboundAction>>;

export type { HttpAnswer, OutboundAction, OutboundActions };
