/** FNV-1a over UTF-16 code units: a Via branch or an address as a number (no string kept, no allocation). */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
