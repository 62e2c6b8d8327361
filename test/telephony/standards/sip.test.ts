import { describe, expect, it } from 'vitest';
import {
  isNetworkEffective,
  isSipNetworkEffective,
  q850Class,
  q850ToSip,
  sipClass,
  sipMethod,
  sipToQ850,
} from '../../../src/domain/standards/sip.js';

describe('sipClass', () => {
  it.each([
    [99, 'other'],
    [100, '1xx'],
    [180, '1xx'],
    [199, '1xx'],
    [200, '2xx'],
    [302, '3xx'],
    [486, '4xx'],
    [503, '5xx'],
    [699, '6xx'],
    [700, 'other'],
    [486.5, 'other'],
    [Number.NaN, 'other'],
    [Number.POSITIVE_INFINITY, 'other'],
    [-486, 'other'],
    [0, 'other'],
  ])('%d -> %s', (code, cls) => {
    expect(sipClass(code)).toBe(cls);
  });

  it('returns other for a non-number', () => {
    expect(sipClass('486' as unknown as number)).toBe('other');
  });
});

describe('sipMethod (case-sensitive per RFC 3261)', () => {
  const methods = [
    'INVITE',
    'ACK',
    'BYE',
    'CANCEL',
    'REGISTER',
    'OPTIONS',
    'PRACK',
    'SUBSCRIBE',
    'NOTIFY',
    'PUBLISH',
    'INFO',
    'REFER',
    'MESSAGE',
    'UPDATE',
  ];
  it.each(methods)('%s -> itself', (m) => {
    expect(sipMethod(m)).toBe(m);
  });

  it.each(['invite', 'Invite', 'bye', 'GET', 'FOO', '', ' INVITE', 'INVITE '])('%j -> other', (m) => {
    expect(sipMethod(m)).toBe('other');
  });
});

describe('q850ToSip (RFC 3398 7.2.4.1)', () => {
  it.each([
    [1, 404], // unallocated number
    [2, 404], // no route to network
    [3, 404], // no route to destination
    [17, 486], // user busy
    [18, 408], // no user responding
    [19, 480], // no answer from the user
    [20, 480], // subscriber absent
    [21, 403], // call rejected
    [22, 410], // number changed (w/o diagnostic)
    [23, 410], // redirection to new destination
    [26, 404], // non-selected user clearing
    [27, 502], // destination out of order
    [28, 484], // address incomplete
    [29, 501], // facility rejected (RFC prints "510 Not implemented")
    [31, 480], // normal, unspecified
    [34, 503], // no circuit available
    [38, 503], // network out of order
    [41, 503], // temporary failure
    [42, 503], // switching equipment congestion
    [47, 503], // resource unavailable
    [55, 403], // incoming calls barred within CUG
    [57, 403], // bearer capability not authorized
    [58, 503], // bearer capability not presently available
    [65, 488], // bearer capability not implemented
    [70, 488], // only restricted digital information available
    [79, 501], // service or option not implemented
    [87, 403], // user not member of CUG
    [88, 503], // incompatible destination
    [102, 504], // recovery on timer expiry
    [111, 500], // protocol error
    [127, 500], // interworking unspecified
  ])('cause %d -> %d', (cause, code) => {
    expect(q850ToSip(cause)).toBe(code);
  });

  it('16 normal clearing has no response (BYE/CANCEL); unlisted causes are undefined', () => {
    expect(q850ToSip(16)).toBeUndefined();
    expect(q850ToSip(63)).toBeUndefined();
    expect(q850ToSip(0)).toBeUndefined();
  });

  it('21 with the cause location at the user gives 603 (the "+" note)', () => {
    expect(q850ToSip(21, { locationUser: true })).toBe(603);
    expect(q850ToSip(17, { locationUser: true })).toBe(486);
  });
});

describe('sipToQ850 (RFC 3398 8.2.6.1)', () => {
  it.each([
    [400, 41],
    [401, 21],
    [402, 21],
    [403, 21],
    [404, 1],
    [405, 63],
    [406, 79],
    [407, 21],
    [408, 102],
    [410, 22],
    [413, 127],
    [414, 127],
    [415, 79],
    [416, 127],
    [420, 127],
    [421, 127],
    [423, 127],
    [480, 18],
    [481, 41],
    [482, 25],
    [483, 25],
    [484, 28],
    [485, 1],
    [486, 17],
    [500, 41],
    [501, 79],
    [502, 38],
    [503, 41],
    [504, 102],
    [505, 127], // printed as "504 Version Not Supported" in the RFC
    [513, 127],
    [600, 17],
    [603, 21],
    [604, 1],
  ])('%d -> cause %d', (code, cause) => {
    expect(sipToQ850(code)).toBe(cause);
  });

  it.each([487, 488, 606, 200, 302, 409, 699])('%d has no mapping', (code) => {
    expect(sipToQ850(code)).toBeUndefined();
  });
});

describe('q850Class', () => {
  it.each([
    [16, 'normal'],
    [31, 'normal'],
    [17, 'busy'],
    [18, 'no_answer'],
    [19, 'no_answer'],
    [20, 'unavailable'],
    [21, 'rejected'],
    [24, 'rejected'],
    [55, 'rejected'],
    [57, 'rejected'],
    [87, 'rejected'],
    [1, 'unallocated'],
    [22, 'unallocated'],
    [28, 'unallocated'],
    [2, 'network'],
    [3, 'network'],
    [25, 'network'],
    [27, 'network'],
    [34, 'network'],
    [38, 'network'],
    [41, 'network'],
    [42, 'network'],
    [47, 'network'],
    [102, 'network'],
    [63, 'other'],
    [79, 'other'],
    [111, 'other'],
    [127, 'other'],
    [0, 'other'],
    [200, 'other'],
    [34.5, 'other'],
  ])('cause %d -> %s', (cause, label) => {
    expect(q850Class(cause)).toBe(label);
  });
});

describe('network effectiveness (ITU-T E.425)', () => {
  it.each([
    [16, true],
    [17, true],
    [18, true],
    [19, true],
    [21, true],
    [1, false],
    [20, false],
    [31, false],
    [34, false],
    [127, false],
  ])('cause %d -> %s', (cause, effective) => {
    expect(isNetworkEffective(cause)).toBe(effective);
  });

  it.each([
    [200, true],
    [486, true], // -> 17
    [600, true], // -> 17
    [480, true], // -> 18
    [603, true], // -> 21
    [401, false], // RFC 3398 maps it to 21, but a challenge is not a user decision
    [407, false],
    [404, false],
    [503, false],
    [180, false],
    [302, false],
  ])('SIP %d -> %s', (code, effective) => {
    expect(isSipNetworkEffective(code)).toBe(effective);
  });

  it('the SIP and Q.850 views agree except for the authentication challenges', () => {
    for (const code of [486, 600, 480, 603]) {
      expect(isNetworkEffective(sipToQ850(code) ?? -1)).toBe(true);
    }
    expect(isNetworkEffective(sipToQ850(401) ?? -1)).toBe(true);
    expect(isSipNetworkEffective(401)).toBe(false);
  });
});
