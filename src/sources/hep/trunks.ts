import { BlockList, isIP } from 'node:net';
import { ValidationError } from '../../errors.js';
import { header, type SipMessage } from './sip.js';

/**
 * One trunk rule from the configuration: a call belongs to `name` when its initial INVITE comes
 * from or goes to an address in `cidrs`, or carries `header` (optionally equal to `value`).
 * Rules are tried in order; the first that matches wins. No recompile: edit the config.
 */
export interface TrunkRule {
  name: string;
  cidrs?: readonly string[] | undefined;
  header?: string | undefined;
  value?: string | undefined;
}

/** Which trunk a call is on and whether we sent the INVITE towards it. */
export interface TrunkMatch {
  trunk: string;
  /** True when the INVITE went to the trunk's addresses (an outbound call). */
  toTrunk: boolean;
}

interface Compiled {
  name: string;
  nets: BlockList | undefined;
  header: string | undefined;
  value: string | undefined;
}

function family(ip: string): 'ipv4' | 'ipv6' | undefined {
  const v = isIP(ip);
  return v === 4 ? 'ipv4' : v === 6 ? 'ipv6' : undefined;
}

/**
 * Compile trunk rules once; `match` is then a few BlockList lookups per new call.
 * Throws a ValidationError naming the rule and the bad CIDR.
 * @example
 * const trunks = compileTrunks([{ name: 'carrier-a', cidrs: ['203.0.113.0/24'] }]);
 * trunks.match(invite, '203.0.113.7', '10.0.0.1'); // { trunk: 'carrier-a', toTrunk: false }
 */
export function compileTrunks(rules: readonly TrunkRule[]) {
  const compiled: Compiled[] = rules.map((r, i) => {
    let nets: BlockList | undefined;
    for (const cidr of r.cidrs ?? []) {
      const [ip = '', bits] = cidr.split('/');
      const fam = family(ip);
      const max = fam === 'ipv6' ? 128 : 32;
      const prefix = bits === undefined ? max : Number(bits);
      if (fam === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
        throw new ValidationError(
          'ST_HEP_INVALID_TRUNK',
          `hep.trunks[${i}] (${r.name}): ${JSON.stringify(cidr)} is not an IP address or CIDR; write it like 203.0.113.0/24 or 2001:db8::/32`,
          [{ path: `hep.trunks.${i}.cidrs`, message: 'expected IP/CIDR' }],
        );
      }
      nets ??= new BlockList();
      nets.addSubnet(ip, prefix, fam);
    }
    return { name: r.name, nets, header: r.header, value: r.value };
  });
  return {
    names: compiled.map((c) => c.name),
    match(msg: SipMessage, srcIp: string, dstIp: string): TrunkMatch | undefined {
      const src = family(srcIp);
      const dst = family(dstIp);
      for (const c of compiled) {
        if (c.nets !== undefined) {
          if (src !== undefined && c.nets.check(srcIp, src)) return { trunk: c.name, toTrunk: false };
          if (dst !== undefined && c.nets.check(dstIp, dst)) return { trunk: c.name, toTrunk: true };
        }
        if (c.header !== undefined) {
          const v = header(msg, c.header);
          if (v !== undefined && (c.value === undefined || v === c.value))
            return { trunk: c.name, toTrunk: false };
        }
      }
      return undefined;
    },
  };
}

export type Trunks = ReturnType<typeof compileTrunks>;
