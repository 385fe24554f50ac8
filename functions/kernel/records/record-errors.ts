/**
 * A local write aimed at the key of a vendor id's alias: it would turn a
 * pointer into a record. A domain error: it names the record to write to
 * instead, and the HTTP edge answers it with 409
 * (`kernel/http/error-answers.ts`). This module imports nothing, so the
 * edge can know the class without bundling the store.
 *
 * @example
 * if (isAlias(existing)) throw new RecordIsAliasError(type, id, existing.alias_of);
 */
class RecordIsAliasError extends Error {
  override name = 'RecordIsAliasError';
  constructor(
    readonly recordType: string,
    readonly recordId: string,
    /** The id of the record the alias points to: where the write belongs. */
    readonly aliasOf: string,
  ) {
    super(
      `${recordType} ${recordId} is an alias of ${recordType} ${aliasOf} (the vendor id it derives from is linked there); write to ${aliasOf}`,
    );
  }
}

export { RecordIsAliasError };
