import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { DispatchConfig } from '../dispatch.config.js';
import { ProxyProblem } from './proxy.problems.js';

/** Addresses an upstream may never be (cloud metadata, link-local, unspecified, multicast). */
const NEVER = new BlockList();
NEVER.addSubnet('169.254.0.0', 16);
NEVER.addSubnet('0.0.0.0', 8);
NEVER.addSubnet('224.0.0.0', 4);
NEVER.addSubnet('fe80::', 10, 'ipv6');
NEVER.addAddress('::', 'ipv6');
// IPv4 reached through IPv6 translation (NAT64, 6to4) could be anything, metadata included.
NEVER.addSubnet('64:ff9b::', 96, 'ipv6');
NEVER.addSubnet('2002::', 16, 'ipv6');
/** Internal addresses: allowed only with PROXY_ALLOW_PRIVATE (government extranet upstreams usually are). */
const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['127.0.0.0', 8],
  ['100.64.0.0', 10],
] as const)
  PRIVATE.addSubnet(net, bits);
PRIVATE.addAddress('::1', 'ipv6');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');

/** http(s), no credentials, no query or fragment; the host allowed by PROXY_ALLOWED_HOSTS when set. */
export function checkUpstreamTarget(raw: string, config: Pick<DispatchConfig, 'PROXY_ALLOWED_HOSTS'>): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw ProxyProblem.UPSTREAM_FORBIDDEN(raw);
  }
  if (url.toString().length > 512)
    throw ProxyProblem.UPSTREAM_FORBIDDEN(`上游地址过长 (upstream URL over 512 characters once normalised): ${raw.slice(0, 80)}`);
  if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password || url.search || url.hash)
    throw ProxyProblem.UPSTREAM_FORBIDDEN(`上游地址须为不含用户名、查询串的 http(s) 地址 (http(s), no credentials, no query): ${raw}`);
  const allowed = (config.PROXY_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  if (allowed.length > 0 && !allowed.includes(url.hostname.toLowerCase()))
    throw ProxyProblem.UPSTREAM_FORBIDDEN(`上游主机不在允许列表中 (host not in PROXY_ALLOWED_HOSTS): ${url.hostname}`);
  return url;
}

/**
 * Resolves the host (every call: no DNS rebinding to a forbidden address) and refuses forbidden ranges.
 * For upstreams, their token endpoints, and the async calls' callbacks alike.
 */
export async function checkUpstreamAddress(hostname: string, config: Pick<DispatchConfig, 'PROXY_ALLOW_PRIVATE'>): Promise<void> {
  const host = hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true });
  } catch {
    throw ProxyProblem.UPSTREAM_UNREACHABLE(`上游主机无法解析 (upstream host does not resolve): ${host}`);
  }
  for (const { address, family } of addresses) {
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (NEVER.check(address, type) || (!config.PROXY_ALLOW_PRIVATE && PRIVATE.check(address, type))) {
      throw ProxyProblem.UPSTREAM_FORBIDDEN(
        `上游地址属于禁止的网段 (upstream address in a forbidden range): ${host} → ${address}${config.PROXY_ALLOW_PRIVATE ? '' : ' (内网地址需 PROXY_ALLOW_PRIVATE=true)'}`,
      );
    }
  }
}
