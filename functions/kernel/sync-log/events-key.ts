/**
 * The sync-log partition of a subject (a record id, or `sku~warehouse`):
 * one Query returns its history. Its own module, so a reader of the log
 * bundles no code that writes it.
 */
const eventsKey = (recordId: string): string => `EVENTS#${recordId}`;

export { eventsKey };
