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
  /**
   * The rule names the trunk but not its side: a header rule, or both addresses in its networks.
   * A keepalive so matched cannot be timed on the trunk's leg, and its answer may be a proxy's.
   */
  sideless?: true;
}

interface Compiled {
  name: string;
  /** IPv4 networks as [network, mask] pairs of unsigned 32-bit numbers, checked without allocating. */
  v4: number[];
  /** IPv6 networks: BlockList.check builds a SocketAddress per call (3 % of the HEP replay's CPU). */
  nets: BlockList | undefined;
  header: string | undefined;
  value: string | undefined;
  /** The rule's two answers (from the trunk, to it), shared by every match: nobody changes a match. */
  from: TrunkMatch;
  to: TrunkMatch;
  either: TrunkMatch;
}

/** A dotted-quad IPv4 address as an unsigned 32-bit number, or -1 (not IPv4). */
function ipv4(ip: string): number {
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      n = n * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      part = part * 10 + c - 48;
      if (part > 255) return -1;
      digits++;
    } else return -1;
  }
  return dots === 3 && digits > 0 ? n * 256 + part : -1;
}

function inV4(v4: readonly number[], ip: number): boolean {
  for (let i = 0; i < v4.length; i += 2) if ((ip & (v4[i + 1] as number)) >>> 0 === v4[i]) return true;
  return false;
}

function family(ip: string): 'ipv4' | 'ipv6' | undefined {
  const v = isIP(ip);
  return v === 4 ? 'ipv4' : v === 6 ? 'ipv6' : undefined;
}

/**
 * Compile trunk rules once; `match` is then a few integer compares per copy of a request (IPv6: a
 * BlockList lookup).
 * Throws a ValidationError naming the rule and the bad CIDR.
 * @example
 * const trunks = compileTrunks([{ name: 'carrier-a', cidrs: ['203.0.113.0/24'] }]);
 * trunks.match(invite, '203.0.113.7', '10.0.0.1'); // { trunk: 'carrier-a', toTrunk: false }
 */
export function compileTrunks(rules: readonly TrunkRule[]) {
  const compiled: Compiled[] = rules.map((r, i) => {
    let nets: BlockList | undefined;
    const v4: number[] = [];
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
      if (fam === 'ipv4') {
        const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
        v4.push((ipv4(ip) & mask) >>> 0, mask);
        continue;
      }
      nets ??= new BlockList();
      nets.addSubnet(ip, prefix, fam);
    }
    // The two answers of this rule, made once: a match allocates nothing (one per captured request).
    const from: TrunkMatch = { trunk: r.name, toTrunk: false };
    const to: TrunkMatch = { trunk: r.name, toTrunk: true };
    const either: TrunkMatch = { trunk: r.name, toTrunk: false, sideless: true };
    return { name: r.name, v4, nets, header: r.header, value: r.value, from, to, either };
  });
  return {
    names: compiled.map((c) => c.name),
    match(msg: SipMessage, srcIp: string, dstIp: string): TrunkMatch | undefined {
      const src4 = ipv4(srcIp);
      const dst4 = ipv4(dstIp);
      const src = src4 >= 0 ? undefined : family(srcIp);
      const dst = dst4 >= 0 ? undefined : family(dstIp);
      for (const c of compiled) {
        const fromIt = src4 >= 0 ? inV4(c.v4, src4) : src !== undefined && c.nets?.check(srcIp, src) === true;
        const toIt = dst4 >= 0 ? inV4(c.v4, dst4) : dst !== undefined && c.nets?.check(dstIp, dst) === true;
        // Both ends in the trunk's networks: which one is the trunk is unknown (a call stays inbound).
        if (fromIt) return toIt ? c.either : c.from;
        if (toIt) return c.to;
        if (c.header !== undefined) {
          const v = header(msg, c.header);
          if (v !== undefined && (c.value === undefined || v === c.value)) return c.either;
        }
      }
      return undefined;
    },
  };
}

export type Trunks = ReturnType<typeof compileTrunks>;
