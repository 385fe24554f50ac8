import { applyPatch } from '../scim/patch.js';
import type { ScimDocument } from '../store/items.js';

/**
 * A PATCH body applied by the SCIM core (`scim/patch.ts`) to a resource as
 * SCIM shows it (a group with its members), at the edge of the store.
 *
 * @returns the new document, or undefined when the operations change
 *   nothing (the write, its version bump and its sync event are skipped).
 * @throws ScimError 400 (`invalidSyntax`, `invalidPath`, `invalidValue`,
 *   `noTarget`, `mutability`) naming the operation or attribute.
 *
 * @example
 * const patched = patchDocument(userResource(user, baseUrl), body, 'User');
 */
const patchDocument = (current: ScimDocument, body: unknown, type: 'User' | 'Group'): ScimDocument | undefined => {
  const result = applyPatch(current, body, type);
  if (!result.ok) throw result.error;
  const { resource, changed, members } = result.value;
  const same = changed.length === 0 && members.added.length === 0 && members.removed.length === 0;
  return same ? undefined : resource;
};

export { patchDocument };
