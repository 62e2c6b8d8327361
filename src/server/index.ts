export { type AnalyticsRoutesOptions, mountAnalytics } from './analytics-routes.js';
export { mountDashboard } from './dashboard.js';
export { type SidecarHandle, type SidecarOptions, startSidecar } from './sidecar.js';
