import type { AdminRoutes } from './admin-route.js';

/** GET /admin/schedules, POST /admin/schedules/{name}/run: not built yet (scaffold). */
const scheduleRoutes: AdminRoutes = {};

export { scheduleRoutes };
