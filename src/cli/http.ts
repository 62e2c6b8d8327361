/**
 * The HTTP side of a {@link DataSource}: the analytics API of a running `sidetone serve`. Every
 * failure becomes a {@link CliError} naming the URL and what to do about it.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { CallView } from '../analytics/export.js';
import type {
  Dashboard,
  ExportFormat,
  HealthIndicators,
  ModemHistory,
  SeriesPoint,
  SmsSummary,
  TrunksReport,
} from '../analytics/index.js';
import type { ConsoleWindow } from '../analytics/windows.js';
import { API_PATHS, callPath, DEFAULT_SERVER_PATHS, type ServerPaths } from '../http/api-paths.js';
import { CliError, UsageError } from './errors.js';

import type {
  CleanupResult,
  DataSource,
  ExportStream,
  FailuresView,
  HealthView,
  Readiness,
  Span,
} from './source.js';

const TIMEOUT_MS = 30_000;

function networkError(err: unknown, url: string): CliError {
  const code = (err as { code?: string }).code ?? '';
  if (code === 'ECONNREFUSED') {
    return new CliError(
      `cannot connect to ${url} (connection refused): is \`sidetone serve\` running? Start it or pass the right --url`,
    );
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new CliError(`cannot resolve the host of ${url} (${code}): check the host name in --url`);
  }
  if (code === 'ETIMEDOUT') {
    return new CliError(
      `no answer from ${url} within ${TIMEOUT_MS / 1000} s: check that the server is healthy and reachable`,
    );
  }
  const detail = code || (err as Error).message;
  return new CliError(`cannot reach ${url} (${detail}): is \`sidetone serve\` running, and is --url right?`);
}

async function readBody(res: IncomingMessage): Promise<string> {
  res.setEncoding('utf8');
  let text = '';
  for await (const chunk of res) text += chunk as string;
  return text;
}

/** The server's own message from a `{ error: { message } }` body, if it sent one. */
function serverMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } };
    return typeof body.error?.message === 'string' ? body.error.message : '';
  } catch {
    return '';
  }
}

/**
 * node:http rather than fetch: fetch refuses the "bad ports" of the Fetch standard (6000, 6665...)
 * a server may well listen on, and hides the socket error code the messages are built from.
 */
/** `GET /metrics/health`: the library's indicators in the voice-skill's shape. */
type VoiceSkillHealth = Omit<HealthIndicators, 'status'> & {
  status: 'healthy' | 'degraded';
  timestamp: string;
  indicators: Record<string, unknown>;
};

/** `GET /metrics/console`: the console's figures; the CLI reads `live` and the server's `paths`. */
export interface ConsoleView {
  live: { count: number };
  paths: ServerPaths;
  [key: string]: unknown;
}

export class HttpSource implements DataSource {
  readonly kind = 'url';
  readonly where: string;
  private serverPaths: Promise<ServerPaths> | undefined;

  constructor(
    private readonly base: URL,
    private readonly token: string | undefined,
  ) {
    this.where = base.href.replace(/\/+$/, '');
  }

  private url(path: string, query: Record<string, string | number> = {}): URL {
    const u = new URL(this.base.href);
    u.pathname = `${u.pathname.replace(/\/+$/, '')}${path}`;
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, String(v));
    return u;
  }

  private send(url: URL, method: string): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
        url,
        {
          method,
          headers: this.token === undefined ? {} : { authorization: `Bearer ${this.token}` },
          // One connection per request: a pooled keep-alive socket would hold the process open.
          agent: false,
        },
        resolve,
      );
      // An idle timeout, not a total one: a long export keeps the socket busy and is not cut off.
      req.setTimeout(TIMEOUT_MS, () =>
        req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
      );
      req.on('error', reject);
      req.end();
    });
  }

  /** One request; `accept` lists the statuses that are answers rather than failures. */
  private async request(
    path: string,
    opts: { query?: Record<string, string | number>; method?: string; accept?: number[] } = {},
  ): Promise<IncomingMessage> {
    const url = this.url(path, opts.query);
    let res: IncomingMessage;
    try {
      res = await this.send(url, opts.method ?? 'GET');
    } catch (err) {
      throw networkError(err, url.href);
    }
    const status = res.statusCode ?? 0;
    if ((status >= 200 && status < 300) || opts.accept?.includes(status)) return res;
    const msg = serverMessage(await readBody(res).catch(() => ''));
    if (status === 401 || status === 403) {
      throw new CliError(
        this.token === undefined
          ? `${url.href}: the server wants a token: pass --token or set SIDETONE_TOKEN`
          : status === 403
            ? `${url.href}: the token's scope does not allow this (403): ${opts.method === 'POST' ? 'cleanup needs a token listed in auth.admin_tokens' : 'reads need a token listed in auth.scrape_tokens or auth.admin_tokens'}`
            : `${url.href}: the server refused the token (401): pass a token listed in its auth.scrape_tokens`,
      );
    }
    if (status === 404) {
      throw new CliError(
        `${url.href} was not found (404): is ${this.where} a sidetone server with the analytics API?`,
      );
    }
    if (status === 400)
      throw new CliError(`${url.href}: the server refused the request: ${msg || 'bad request'}`);
    throw new CliError(`${url.href}: the server failed (${status}${msg ? `: ${msg}` : ''}): check its logs`);
  }

  private async json<T>(
    path: string,
    opts: { query?: Record<string, string | number>; method?: string; accept?: number[] } = {},
  ): Promise<T> {
    const href = this.url(path, opts.query).href;
    const res = await this.request(path, opts);
    let text: string;
    try {
      text = await readBody(res);
    } catch (err) {
      throw networkError(err, href);
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CliError(`${href} did not return JSON: is ${this.where} a sidetone server?`);
    }
  }

  dashboard(span: Span): Promise<Dashboard> {
    return this.json(API_PATHS.dashboard, { query: spanQuery(span) });
  }
  trunks(span: Span): Promise<TrunksReport> {
    return this.json(API_PATHS.trunks, { query: spanQuery(span) });
  }
  sms(span: Span): Promise<SmsSummary> {
    return this.json(API_PATHS.sms, { query: spanQuery(span) });
  }
  modems(span: Span): Promise<ModemHistory> {
    return this.json(API_PATHS.modems, { query: spanQuery(span) });
  }
  async failures(limit: number, span: Span, reveal?: boolean): Promise<FailuresView> {
    noReveal(reveal);
    const query =
      span.days === undefined && span.hours === undefined ? { limit } : { limit, ...spanQuery(span) };
    const body = await this.json<Partial<FailuresView>>(API_PATHS.failures, { query });
    // A server without groups (the voice-skill's route) still gives the rows.
    const failures = body.failures ?? [];
    return { failures, count: failures.length, groups: body.groups ?? [] };
  }
  async hourly(hours: number): Promise<SeriesPoint[]> {
    return (await this.json<{ series: SeriesPoint[] }>(API_PATHS.hourly, { query: { hours } })).series;
  }
  async daily(days: number): Promise<SeriesPoint[]> {
    return (await this.json<{ series: SeriesPoint[] }>(API_PATHS.daily, { query: { days } })).series;
  }
  /** The console's figures for a window (what the web console shows); undefined from a server without them. */
  async console(window: ConsoleWindow): Promise<ConsoleView | undefined> {
    const r = await this.json<Partial<ConsoleView>>(API_PATHS.console, { query: { window }, accept: [404] });
    return r.live === undefined || r.paths === undefined ? undefined : (r as ConsoleView);
  }
  /**
   * The probe and exposition paths this server was configured with (`health.readiness_path`…),
   * as its console API states them; the defaults for a server without one (404).
   */
  paths(): Promise<ServerPaths> {
    this.serverPaths ??= this.console('1h').then((r) => ({ ...DEFAULT_SERVER_PATHS, ...r?.paths }));
    return this.serverPaths;
  }
  /** Liveness: uptime, version and calls in progress (a server with `compat_healthz` answers readiness there). */
  async liveness(): Promise<Record<string, unknown>> {
    const { healthz } = await this.paths();
    return (await this.json<Record<string, unknown>>(healthz, { accept: [503] })) ?? {};
  }
  async health(): Promise<HealthView> {
    // 503 is readiness saying "degraded": an answer to show, not a failure to report.
    const { readyz } = await this.paths();
    const readiness = await this.json<Readiness>(readyz, { accept: [503] });
    if (readiness === null || typeof readiness.checks !== 'object') {
      throw new CliError(
        `${this.url(readyz).href} did not return readiness JSON: is ${this.where} a sidetone server?`,
      );
    }
    // The route speaks the voice-skill's contract (503 degraded, `healthy`/`degraded`, its
    // `indicators`); the CLI shows the library's view, the same as with --db.
    const body = await this.json<VoiceSkillHealth>(API_PATHS.health, { accept: [503] });
    const { timestamp: _t, indicators: _i, status, ...rest } = body;
    return { readiness, indicators: { ...rest, status: status === 'healthy' ? 'ok' : 'warning' } };
  }
  async exportCalls(format: ExportFormat, days: number, reveal?: boolean): Promise<ExportStream> {
    noReveal(reveal);
    const href = this.url(API_PATHS.export, { format, days }).href;
    const res = await this.request(API_PATHS.export, { query: { format, days } });
    // Streaming decode: a multi-byte character may straddle two network chunks.
    res.setEncoding('utf8');
    async function* chunks(): AsyncIterable<string> {
      try {
        for await (const chunk of res) yield chunk as string;
      } catch (err) {
        throw new CliError(
          `${href}: the connection broke mid-export (${(err as { code?: string }).code ?? (err as Error).message}): the output is incomplete, retry`,
        );
      } finally {
        // Stopped early (a write failed): drop the connection so the server stops producing.
        if (!res.complete) res.destroy();
      }
    }
    return { chunks: chunks() };
  }
  async call(id: string): Promise<CallView | undefined> {
    const r = await this.json<Partial<CallView>>(callPath(id), {
      accept: [404],
    });
    return r.call === undefined ? undefined : (r as CallView);
  }
  async metrics(): Promise<string> {
    return readBody(await this.request((await this.paths()).metrics));
  }
  cleanup(): Promise<CleanupResult> {
    return this.json(API_PATHS.cleanup, { method: 'POST' });
  }
  async close(): Promise<void> {}
}

function noReveal(reveal: boolean | undefined): void {
  if (reveal) throw new UsageError('--reveal needs --db: a server never sends raw numbers');
}

/** `?hours=N` or `?days=N` (default a day), as the analytics routes take them. */
function spanQuery(span: Span): Record<string, number> {
  return span.hours !== undefined ? { hours: span.hours } : { days: span.days ?? 1 };
}
