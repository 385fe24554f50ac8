import { DEFAULT_MAX_SYNC_LAG_MINUTES, type Settings, TRACKING_NUMBER } from './settings-schema.js';

/**
 * How long an integration may go without a successful sync before the sync
 * monitor alerts: its own entry in `max_sync_lag_minutes` (crm 30 and erp 15
 * by default), else 30 minutes. Takes any integration name, so a tool can
 * ask about one the settings do not list.
 *
 * @example
 * maxSyncLagMinutes(await readSettings(), 'erp'); // 15
 */
const maxSyncLagMinutes = (settings: Pick<Settings, 'max_sync_lag_minutes'>, integration: string): number =>
  (settings.max_sync_lag_minutes as Readonly<Record<string, number | undefined>>)[integration] ??
  DEFAULT_MAX_SYNC_LAG_MINUTES;

/**
 * The tracking link of a shipment, from the carrier's template in
 * `carrier_tracking_urls`; undefined for a carrier without one, so a mail
 * can leave the link out. The tracking number is URL-encoded.
 *
 * @example
 * trackingUrl(await readSettings(), 'ups', '1Z999AA10123456784');
 * // 'https://www.ups.com/track?tracknum=1Z999AA10123456784'
 */
const trackingUrl = (
  settings: Pick<Settings, 'carrier_tracking_urls'>,
  carrier: string,
  trackingNumber: string,
): string | undefined =>
  settings.carrier_tracking_urls[carrier.toLowerCase()]?.replaceAll(
    TRACKING_NUMBER,
    encodeURIComponent(trackingNumber),
  );

export { maxSyncLagMinutes, trackingUrl };
