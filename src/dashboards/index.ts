/**
 * Grafana dashboards for sidetone, built with @grafana/grafana-foundation-sdk: fleet overview,
 * SIP and trunks, media quality, modem and SMS, voice AI, and sidetone itself.
 * @example
 * import { renderDashboards } from 'sidetone/dashboards';
 * for (const [file, json] of Object.entries(renderDashboards())) writeFileSync(`grafana/${file}`, json);
 */
export { type Board, boards } from './boards.js';
export { renderDashboards } from './render.js';
