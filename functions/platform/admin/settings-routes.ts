import type { AdminRoutes } from './admin-route.js';

/** GET /admin/settings, PUT /admin/settings, GET /admin/settings/history: not built yet (scaffold). */
const settingsRoutes: AdminRoutes = {};

export { settingsRoutes };
