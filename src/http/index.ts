export { type App, type AppOptions, createApp, type RefusedCredential } from './app.js';
export type { AuthOutcome, BasicUser, Credentials } from './auth.js';
export { httpOptionsFromConfig } from './from-config.js';
export type { CompatHealthzOptions } from './health-routes.js';
export { expressMiddleware, fastifyPlugin, honoHandler } from './mounts.js';
export { type Served, type ServeOptions, serve } from './node.js';
export type { HttpRequest, RequestHeaders } from './request.js';
export { RequestMetrics, type RequestMetricsOptions, routeMatcher } from './request-metrics.js';
export {
  expressRequestMetrics,
  fastifyRequestMetrics,
  honoRequestMetrics,
} from './request-metrics-adapters.js';
export type { BytesReply, JsonReply, Reply } from './respond.js';
export type { DocResponse, DocSchema, RouteDoc } from './route-doc.js';
export type { AuthKind, Handler, RouteContext, RouteInfo } from './router.js';
