import { BlockList, isIP } from "node:net";

/**
 * Which peers are proxies whose `X-Forwarded-For` entries are believed: a hop count (the last N hops,
 * the socket peer first) or a list of proxy addresses and CIDR ranges. The client IP is the first hop,
 * walking from the socket towards the leftmost `X-Forwarded-For` entry, that is not trusted, so an
 * entry a client wrote itself is never taken for its address.
 */
export type ProxyTrust = number | readonly string[];

/** The `(address, hopIndex) => trusted` function Fastify (proxy-addr) walks the hops with. */
export type TrustFunction = (address: string | undefined, hop: number) => boolean;

/** A trust function for the setting; throws naming the entry when an address or range is malformed. */
export function compileProxyTrust(trust: ProxyTrust): TrustFunction | false {
  if (typeof trust === "number") {
    if (trust <= 0) return false;
    // Hop 0 is the socket peer; hops 1.. are X-Forwarded-For entries from the right.
    return (_address, hop) => hop < trust;
  }
  if (trust.length === 0) return false;
  const list = new BlockList();
  for (const entry of trust) addEntry(list, entry);
  return (address) => {
    if (address === undefined) return false;
    const plain = unmapIpv4(address);
    const family = isIP(plain);
    return family !== 0 && list.check(plain, family === 4 ? "ipv4" : "ipv6");
  };
}

function addEntry(list: BlockList, entry: string): void {
  const [address = "", prefixText, ...rest] = entry.trim().split("/");
  const plain = unmapIpv4(address);
  const family = isIP(plain);
  const bad = () => new Error(`server config: trustProxy: '${entry}' is not an IP address or CIDR range`);
  if (family === 0 || rest.length > 0) throw bad();
  const type = family === 4 ? "ipv4" : "ipv6";
  if (prefixText === undefined) {
    list.addAddress(plain, type);
    return;
  }
  const prefix = Number(prefixText);
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefixText) || prefix > max) throw bad();
  // A /0 is "trust everything", which lets any client pick its IP.
  if (prefix === 0) throw new Error(`server config: trustProxy: '${entry}' would trust every address; list the proxies`);
  list.addSubnet(plain, prefix, type);
}

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) as `10.0.0.1`. */
export function unmapIpv4(address: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return match ? match[1]! : address;
}
