import { BlockList, isIP } from 'node:net';

/** `10.1.2.3`, `10.0.0.0/8`, `2001:db8::/32` — an address or a CIDR range; null when neither. */
export function parseAllowed(entry: string): { address: string; bits: number | null; family: 'ipv4' | 'ipv6' } | null {
  const [address = '', bits, extra] = entry.trim().split('/');
  const v = isIP(address);
  if (!v || extra !== undefined) return null;
  // IPv4-mapped IPv6 (::ffff:a.b.c.d) is written as IPv4 here: a mapped range would be read as an IPv6 range over all of IPv4.
  if (v === 6 && /^::ffff:/i.test(address)) return null;
  const family = v === 4 ? 'ipv4' : 'ipv6';
  if (bits === undefined) return { address, bits: null, family };
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > (v === 4 ? 32 : 128)) return null;
  return { address, bits: Number(bits), family };
}

const compiled = new Map<string, BlockList>();

/** Whether a client address is in an allow-list (entries as checked by parseAllowed). IPv4-mapped IPv6 addresses count as IPv4. */
export function ipAllowed(list: string[], ip: string): boolean {
  const key = list.join(',');
  let block = compiled.get(key);
  if (!block) {
    block = new BlockList();
    for (const e of list) {
      const p = parseAllowed(e);
      if (!p) continue;
      if (p.bits === null) block.addAddress(p.address, p.family);
      else block.addSubnet(p.address, p.bits, p.family);
    }
    if (compiled.size > 1_000) compiled.clear();
    compiled.set(key, block);
  }
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const address = mapped ? mapped[1]! : ip;
  const v = isIP(address);
  return v !== 0 && block.check(address, v === 4 ? 'ipv4' : 'ipv6');
}
