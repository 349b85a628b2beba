/**
 * Docker engine endpoints, written as DOCKER_HOST takes them (`unix:///var/run/docker.sock`,
 * `tcp://host:2376`, `ssh://user@host`), turned into dockerode connection options.
 *
 * dockerode fills options it is not given from the process's DOCKER_HOST, so every field is set
 * here, even to undefined: an explicit `unix://` endpoint must not silently become the TCP host
 * that DOCKER_HOST happens to name.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { InputError } from '../../errors.js';

/** An endpoint with TLS settings of its own, for when engines use different certificates. */
export interface DockerEndpointSpec {
  url: string;
  /** Directory holding ca.pem, cert.pem and key.pem (as DOCKER_CERT_PATH). Implies TLS. */
  certPath?: string;
  /** Force TLS on (true) or off (false) for a tcp:// endpoint; default: from the environment. */
  tls?: boolean;
}

export type DockerEndpoint = string | DockerEndpointSpec;

export const DEFAULT_DOCKER_SOCKET = 'unix:///var/run/docker.sock';

/** Environment variables that shape a connection (passed in, so tests and callers can choose). */
export interface DockerEnvironment {
  DOCKER_HOST?: string | undefined;
  DOCKER_TLS_VERIFY?: string | undefined;
  DOCKER_CERT_PATH?: string | undefined;
  SSH_AUTH_SOCK?: string | undefined;
  [name: string]: string | undefined;
}

/** The endpoint's URL as written, for messages. */
export function endpointUrl(endpoint: DockerEndpoint): string {
  return typeof endpoint === 'string' ? endpoint : endpoint.url;
}

export function dockerOptionsFor(endpoint: DockerEndpoint, env: DockerEnvironment = {}): Docker.DockerOptions {
  const spec = typeof endpoint === 'string' ? { url: endpoint } : endpoint;
  const written = spec.url.trim();
  const blank = { socketPath: undefined, host: undefined, port: undefined, protocol: undefined, ca: undefined, cert: undefined, key: undefined };

  if (written.startsWith('unix://')) {
    const socketPath = written.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw badEndpoint(written, 'a unix endpoint needs an absolute socket path');
    return { ...blank, socketPath };
  }

  const withScheme = written.includes('://') ? written : `tcp://${written}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw badEndpoint(written, 'not a URL');
  }
  if (url.hostname === '') throw badEndpoint(written, 'no host');

  if (url.protocol === 'ssh:') {
    if (url.username === '') throw badEndpoint(written, 'an ssh endpoint needs a user (ssh://user@host)');
    return {
      ...blank,
      protocol: 'ssh',
      host: url.hostname,
      port: url.port === '' ? 22 : Number(url.port),
      username: decodeURIComponent(url.username),
      // The engine is reached through `docker system dial-stdio` on the remote host, as the docker CLI does.
      sshOptions: { agent: env.SSH_AUTH_SOCK },
    };
  }

  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badEndpoint(written, `unsupported scheme ${url.protocol} (use unix://, tcp:// or ssh://)`);
  }
  if (url.port === '') throw badEndpoint(written, 'a tcp endpoint needs a port (2375 plain, 2376 TLS)');

  const certPath = spec.certPath ?? (nonEmpty(env.DOCKER_TLS_VERIFY) ? env.DOCKER_CERT_PATH ?? join(homedir(), '.docker') : undefined);
  const tls = spec.tls ?? (spec.certPath !== undefined || nonEmpty(env.DOCKER_TLS_VERIFY) || url.protocol === 'https:' || url.port === '2376');
  if (!tls) return { ...blank, protocol: 'http', host: url.hostname, port: Number(url.port) };
  return {
    ...blank,
    protocol: 'https',
    host: url.hostname,
    port: Number(url.port),
    ...(certPath === undefined ? {} : readCertificates(certPath, written)),
  };
}

function readCertificates(certPath: string, endpoint: string): Pick<Docker.DockerOptions, 'ca' | 'cert' | 'key'> {
  const read = (name: string): Buffer => {
    const file = join(certPath, name);
    try {
      return readFileSync(file);
    } catch (error) {
      throw new InputError(`${file}: cannot read the TLS file for Docker endpoint ${endpoint}`, { cause: error });
    }
  };
  return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
}

function nonEmpty(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0';
}

function badEndpoint(endpoint: string, why: string): InputError {
  return new InputError(
    `Docker endpoint ${JSON.stringify(endpoint)}: ${why}; write it as DOCKER_HOST takes it ` +
      '(unix:///var/run/docker.sock, tcp://host:2376, ssh://user@host)',
  );
}
