/** MOS is decided once: the media pack and the store agree on a score, and on "unavailable". */
import { describe, expect, it } from 'vitest';
import { harness } from './surfaces.js';

const NOW = Date.UTC(2026, 0, 10, 12, 0);
const T = NOW - 600_000;

function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels}`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('media scoring across surfaces', () => {
  it('a report without loss data is unavailable in metrics and unscored in the store', async () => {
    const h = harness({ now: NOW, trunks: [] });
    const start = (callId: string, ts: number) =>
      ({ type: 'call.started', callId, direction: 'outbound', channel: 'sip', ts }) as const;
    expect(
      await h.post([
        start('m1', T),
        {
          type: 'media.report',
          callId: 'm1',
          codec: 'PCMU',
          jitterMs: 20,
          rttMs: 80,
          final: true,
          ts: T + 1,
        },
        start('m2', T),
        {
          type: 'media.report',
          callId: 'm2',
          codec: 'PCMU',
          packetsReceived: 980,
          packetsLost: 20,
          jitterMs: 20,
          rttMs: 80,
          final: true,
          ts: T + 1,
        },
      ]),
    ).toBe(200);
    const text = await (await fetchMetrics(h)).text();
    expect(sample(text, 'sidetone_media_mos_unavailable_total', '{reason="no_loss_data"}')).toBe(1);
    expect(sample(text, 'sidetone_media_mos_count', '{codec="g711_plc"}')).toBe(1);
    const mos = sample(text, 'sidetone_media_mos_sum', '{codec="g711_plc"}')!;
    expect((await h.store.getCall('m1'))!.mos).toBeNull();
    expect((await h.store.getCall('m2'))!.mos).toBeCloseTo(mos, 10);
    await h.close();
  });
});

async function fetchMetrics(h: ReturnType<typeof harness>): Promise<Response> {
  return h.fetch(new Request('http://localhost/metrics'));
}

describe('validation in every path', () => {
  it('MediaPack.report drops and counts an out-of-range sample, as the schema refuses it over HTTP', async () => {
    const { Registry } = await import('../../src/metrics/index.js');
    const { mediaPack } = await import('../../src/telephony/packs/media.js');
    const registry = new Registry();
    const media = mediaPack(registry);
    media.report({ lossRatio: 5 });
    media.report({ jitterSeconds: -1 });
    media.report({ packetsLost: 1.5 });
    media.report({ lossRatio: 0.02, jitterSeconds: 0.01 });
    const text = registry.render();
    expect(text).toContain('sidetone_media_reports_invalid_total 3');
    expect(text).toContain('sidetone_media_reports_total 1');
    expect(text).toContain('sidetone_media_loss_ratio_count 1');
  });

  it('POST /events and an in-process emit refuse the same event', async () => {
    const h = harness({ now: NOW, trunks: [] });
    const bad = { type: 'media.report', callId: 'v1', codec: 'PCMU', fractionLost: 300, ts: T };
    expect(await h.post([bad as never])).toBe(400);
    await h.close();
  });
});
