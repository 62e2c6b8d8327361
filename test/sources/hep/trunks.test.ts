// Trunk rules match IPv4 addresses with integer compares (BlockList.check built a SocketAddress per
// copy of a request: 3 % of the HEP replay's CPU). They must agree with node:net's BlockList.
import { BlockList } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSip } from '../../../src/sources/hep/sip.js';
import { compileTrunks } from '../../../src/sources/hep/trunks.js';
import { sip } from './helpers.js';

const invite = parseSip(Buffer.from(sip('INVITE sip:b SIP/2.0', { callId: 't', cseq: '1 INVITE' })));

describe('trunk rules by address', () => {
  it('IPv4 rules agree with BlockList for any address and prefix (property)', () => {
    const ip = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
    fc.assert(
      fc.property(ip, fc.integer({ min: 0, max: 32 }), ip, ip, (net, bits, src, dst) => {
        const list = new BlockList();
        list.addSubnet(net, bits, 'ipv4');
        const trunks = compileTrunks([{ name: 'a', cidrs: [`${net}/${bits}`] }]);
        // Both ends in the networks: the rule cannot tell the trunk's side (issue 47).
        const want = list.check(src, 'ipv4')
          ? list.check(dst, 'ipv4')
            ? { trunk: 'a', toTrunk: false, sideless: true }
            : { trunk: 'a', toTrunk: false }
          : list.check(dst, 'ipv4')
            ? { trunk: 'a', toTrunk: true }
            : undefined;
        expect(trunks.match(invite as NonNullable<typeof invite>, src, dst)).toEqual(want);
      }),
      { numRuns: 2000 },
    );
  });

  it('first rule wins; IPv6 and mixed families; a non-address never matches', () => {
    const trunks = compileTrunks([
      { name: 'v6', cidrs: ['2001:db8:a::/48'] },
      { name: 'v4', cidrs: ['203.0.113.0/24', '198.51.100.7'] },
      { name: 'all', cidrs: ['0.0.0.0/0'] },
    ]);
    const m = invite as NonNullable<typeof invite>;
    expect(trunks.match(m, '2001:db8:a::1', '203.0.113.9')).toEqual({ trunk: 'v6', toTrunk: false });
    expect(trunks.match(m, '10.0.0.1', '2001:db8:a::1')).toEqual({ trunk: 'v6', toTrunk: true });
    expect(trunks.match(m, '198.51.100.7', '10.0.0.1')).toEqual({ trunk: 'v4', toTrunk: false });
    expect(trunks.match(m, '198.51.100.8', '10.0.0.1')).toEqual({
      trunk: 'all',
      toTrunk: false,
      sideless: true,
    });
    expect(trunks.match(m, '2001:db8:b::1', '::1')).toBeUndefined();
    expect(trunks.match(m, '1.2.3', '256.1.1.1')).toBeUndefined();
  });
});
