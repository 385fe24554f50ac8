import { readSettings } from '../../kernel/settings/read-settings.js';
import { applyOwnership, fieldSourcesAfter } from '../domain/field-ownership.js';
import { logIgnored } from '../ownership/log-ignored.js';
import type { UserItem } from '../store/items.js';
import { type PersonAttributes, personAttributesOf } from '../store/person-items.js';
import { personLookupChanges, workEmailOf } from '../store/person-lookups.js';
import { type UserWrite, writeUser } from '../store/user-writes.js';

/**
 * A SCIM user write with field ownership applied: what the identity
 * provider sent, except the field groups it does not own
 * (`user_field_owners`; by default HR's name, title, department, manager,
 * employee number) once their owner has set them, which stay as they were
 * and are logged as ignored, one
 * sync event each (`outcome: ignored`, `detail: {field, owner}`). The
 * groups it changed are recorded in `field_sources`, and the work email
 * lookup HR matches on moves with the user. A create takes the document
 * whole (nothing to keep). The one place the SCIM routes meet ownership:
 * `user-routes.ts` imports this as its `writeUser`.
 *
 * @example
 * const user = await writeOwnedUser({ id, resource, previous, event: idpEvent('patched', now), now });
 */
const writeOwnedUser = async (write: UserWrite): Promise<UserItem> => {
  const owners = (await readSettings()).user_field_owners;
  const { previous, now } = write;
  const attributes = personAttributesOf(previous);
  const before = previous
    ? { resource: previous.resource, profile: attributes.hr_profile ?? {}, sources: attributes.field_sources ?? {} }
    : undefined;
  const { person, ignored, changed } = applyOwnership(
    before,
    { resource: write.resource, profile: attributes.hr_profile ?? {} },
    'idp',
    owners,
  );
  const next: PersonAttributes = {
    ...attributes,
    work_email_key: workEmailOf(person.resource)?.toLowerCase(),
    field_sources: fieldSourcesAfter(attributes.field_sources, changed, 'idp', now),
  };
  const item = await writeUser({
    ...write,
    resource: { ...person.resource },
    person: next,
    extraItems: [...(write.extraItems ?? []), ...personLookupChanges(write.id, attributes, next)],
  });
  await logIgnored(write.id, write.event.event, ignored, owners, 'idp', undefined, now);
  return item;
};

export { writeOwnedUser };
