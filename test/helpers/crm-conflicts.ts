import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { FakeHttpServer } from './fake-http-server.js';
import { TEST_CRM_SECRET, admin, postSignedWebhook } from './http-client.js';
import type { TestStack } from './test-stack.js';

const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();

/** The fake CRM's path of a contact. */
const contactPath = (crmId: string): string => `/api/contacts/${crmId}`;

/** A conflict opened on a CRM contact, with the ids and the moment it opened. */
interface CrmConflict {
  readonly crmId: string;
  readonly recordId: string;
  readonly conflictId: string;
  readonly openedAt: number;
}

interface CrmConflicts {
  /**
   * A contact the CRM created (`firstName Ana, phone 111, title CTO`),
   * edited locally with `local` (our field names), then changed at the CRM
   * with `remote` (CRM field names) at `remoteAt`, while the local push is
   * held: an open conflict, made as production makes one.
   */
  open(local: Record<string, unknown>, remote: Record<string, unknown>, remoteAt?: number): Promise<CrmConflict>;
  /**
   * Makes the fake CRM refuse pushes of contacts being set up (503, retry in
   * 1 s), holding them in the queue until their conflict is open, and accept
   * everything else. Call it in `beforeEach`: tests may set other responders.
   */
  holdPushesWhileOpening(): void;
  /** Signs and posts a CRM webhook. */
  send(body: unknown, id?: string): ReturnType<typeof postSignedWebhook>;
}

/**
 * Opens conflicts on CRM contacts through the real routes of a test stack
 * with a fake CRM, for the tests of the conflict resolver and of the
 * console. Both are reached lazily: they exist only once `beforeAll` ran.
 *
 * @example
 * const conflicts = crmConflicts(() => stack, () => crm);
 * beforeEach(() => conflicts.holdPushesWhileOpening());
 * const c = await conflicts.open({ phone: '222' }, { title: 'CEO' });
 */
const crmConflicts = (stackOf: () => TestStack, crmOf: () => FakeHttpServer): CrmConflicts => {
  const held = new Set<string>();
  const send = (body: unknown, id?: string) =>
    postSignedWebhook(`${stackOf().url}/webhooks/crm`, body, { secret: TEST_CRM_SECRET, ...(id ? { id } : {}) });

  const open = async (
    local: Record<string, unknown>,
    remote: Record<string, unknown>,
    remoteAt: number = Date.now(),
  ): Promise<CrmConflict> => {
    const stack = stackOf();
    const id = `003${randomUUID().slice(0, 8)}`;
    held.add(id);
    const created = await send({
      event: 'created',
      type: 'contact',
      id,
      timestamp: iso(Date.now() - 2 * HOUR),
      data: { firstName: 'Ana', lastName: 'Lima', email: `${id}@example.com`, phone: '111', title: 'CTO' },
    });
    const recordId = String(created.body.record_id);
    const record = await admin(stack.url, 'GET', `/admin/records/contact/${recordId}`);
    await admin(stack.url, 'PUT', `/admin/records/contact/${recordId}`, { ...(record.body.data as object), ...local });
    // The local push reached the CRM (and was refused): it is in flight, held by the queue's retries.
    await crmOf().waitFor((r) => r.method === 'PUT' && r.path === contactPath(id));
    const answer = await send({ event: 'updated', type: 'contact', id, timestamp: iso(remoteAt), data: remote });
    expect(answer.body).toMatchObject({ status: 'conflict' });
    const openedAt = Date.now();
    held.delete(id);
    return { crmId: id, recordId, conflictId: String(answer.body.conflict_id), openedAt };
  };

  const holdPushesWhileOpening = (): void =>
    crmOf().setResponder((request) =>
      [...held].some((id) => request.path === contactPath(id))
        ? { status: 503, headers: { 'retry-after': '1' }, body: {} }
        : { status: 200, body: {} },
    );

  return { open, holdPushesWhileOpening, send };
};

export { contactPath, crmConflicts, HOUR, iso };
export type { CrmConflict, CrmConflicts };
