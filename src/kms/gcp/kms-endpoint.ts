import { BlockList, isIP } from 'node:net';

/** A gRPC endpoint given as `host:port`. IPv6 hosts keep their brackets, as gRPC targets need. */
export interface KmsEndpoint {
  readonly host: string;
  readonly port: number;
  /** True for 127.0.0.0/8, ::1 and localhost, where the client talks plain-text gRPC. */
  readonly isLoopback: boolean;
}

const LOOPBACK_ADDRESSES = new BlockList();
LOOPBACK_ADDRESSES.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK_ADDRESSES.addAddress('::1', 'ipv6');

/** Parses `host:port`, `[ipv6]:port` included. Throws an Error naming the expected form. */
export function parseKmsEndpoint(endpoint: string): KmsEndpoint {
  const match = /^(?<host>\[[0-9A-Fa-f:.]+\]|[^:[\]]+):(?<port>[0-9]{1,5})$/.exec(endpoint);
  const host = match?.groups?.['host'];
  const port = Number(match?.groups?.['port']);
  if (host === undefined || !(port >= 1 && port <= 65535)) {
    throw new Error(
      `Invalid Cloud KMS endpoint "${endpoint}": expected host:port, for example cloudkms.googleapis.com:443 or 127.0.0.1:9000`,
    );
  }

  return { host, port, isLoopback: isLoopbackHost(host) };
}

function isLoopbackHost(host: string): boolean {
  if (host.toLowerCase() === 'localhost') {
    return true;
  }

  const address = host.startsWith('[') ? host.slice(1, -1) : host;
  const family = isIP(address);
  if (family === 4) {
    return LOOPBACK_ADDRESSES.check(address, 'ipv4');
  }
  if (family === 6) {
    return LOOPBACK_ADDRESSES.check(address, 'ipv6');
  }
  return false;
}
