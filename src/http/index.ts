export { type App, type AppOptions, createApp } from './app.js';
export { Authenticator, type AuthOutcome, type BasicUser, type Credentials } from './auth.js';
export { httpOptionsFromConfig } from './from-config.js';
export {
  CALLSTACK_FIELDS,
  type CompatHealthzOptions,
  compatHealthzRoute,
  livenessRoute,
  readinessRoute,
  uptimeSeconds,
} from './health-routes.js';
export { acceptsGzip, type MetricsRouteOptions, metricsRoute } from './metrics-route.js';
export { expressMiddleware, fastifyPlugin, honoHandler } from './mounts.js';
export { isLoopback, type Served, type ServeOptions, serve } from './node.js';
export { DEFAULT_BODY_LIMIT, handleNode, toRequest, writeResponse } from './node-bridge.js';
export { inFamily, type NormalisedPath, normalisePath, requestTarget } from './path.js';
export {
  REQUEST_BUCKETS,
  RequestMetrics,
  type RequestMetricsOptions,
  routeMatcher,
  statusClass,
  UNMATCHED,
} from './request-metrics.js';
export {
  expressRequestMetrics,
  fastifyRequestMetrics,
  honoRequestMetrics,
} from './request-metrics-adapters.js';
export { bytesResponse, errorResponse, json, toErrorResponse } from './respond.js';
export type { DocResponse, DocSchema, RouteDoc } from './route-doc.js';
export type { AuthKind, Handler, RouteContext, RouteInfo } from './router.js';
