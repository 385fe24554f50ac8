import type { Responder } from './fake-http-server.js';

/**
 * What the playground needs to know to play one outside system: its name in
 * the printed lines, the setting holding the URL `npm start` would call it
 * at (the playground listens there when it is on this machine), and how it
 * answers. The answers are built from the same settings the stack reads,
 * so a wrong key is refused here as the real system would refuse it.
 */
export type PlaygroundEnv = Readonly<Record<string, string | undefined>>;

export interface PlaygroundContext {
  /** The environment `npm start` runs with (`.env` loaded): the keys to check. */
  readonly env: PlaygroundEnv;
  /** The clock stamps come from; tests fix it. */
  readonly now: () => Date;
}

export interface PlaygroundSystem {
  /** `crm`, `erp`, `shop`, `pos`, `wms`, `slack`, `pagerduty`: the second word of every printed line. */
  readonly name: string;
  /** The environment variable holding the URL the stack calls, e.g. `CRM_API_URL`. */
  readonly urlSetting: string;
  /**
   * A fresh responder, with its own store (a CRM keeps what is created).
   *
   * @example
   * const answer = crmPlayground.responder({ env, now: () => new Date() })(request);
   */
  readonly responder: (context: PlaygroundContext) => Responder;
}
