// A private redis-server for a test: a free localhost port, started and stopped by the test, so
// no service is left running. Debian's `redis-server` (.ci/run installs it in CI).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';

export interface TestRedis {
  port: number;
  /** redis://:PASSWORD@127.0.0.1:PORT, or rediss://:PASSWORD@localhost:PORT with TLS */
  url: string;
  /** With TLS: the self-signed certificate clients must trust (NODE_EXTRA_CA_CERTS). */
  caFile?: string;
  password: string;
  /** Stops the server process (SIGTERM: it writes its append-only file first), keeping its data. */
  shutdown(): Promise<void>;
  /** Starts it again on the same port and data folder. */
  start(): Promise<void>;
  /** Stops it and removes its data folder. */
  stop(): Promise<void>;
}

/** True when redis-server is installed; under CI its absence is an error, elsewhere a skip. */
export function redisServerAvailable(): boolean {
  const found = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!found && process.env.CI) {
    throw new Error('redis-server is not installed, and CI must run the queue tests: .ci/run installs it (apt-get install -y redis-server)');
  }
  if (!found) process.stderr.write('Skipping the queue tests: redis-server is not installed (apt-get install -y redis-server)\n');
  return found;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Waits until the server answers a PING (with NOAUTH when it wants a password). */
async function answers(port: number, ca: string | undefined, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = ca ? tls.connect({ port, host: 'localhost', ca: fs.readFileSync(ca) }) : net.connect(port, '127.0.0.1');
      socket.once('error', () => resolve(false));
      socket.once('data', (data) => {
        socket.destroy();
        resolve(/PONG|NOAUTH/.test(String(data)));
      });
      socket.once(ca ? 'secureConnect' : 'connect', () => socket.write('PING\r\n'));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A self-signed certificate for `localhost` (openssl), for a TLS-only server. */
function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, 'localhost.crt');
  const key = path.join(dir, 'localhost.key');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  if (made.status !== 0) throw new Error('openssl could not make a test certificate');
  return { cert, key };
}

/**
 * Starts redis-server with a password on a free port. `persistent` keeps an append-only file
 * (in a temp folder), so the queue survives a restart of the server, as a real deployment's does;
 * `tls` serves TLS only, with a self-signed certificate for localhost.
 */
export async function startTestRedis(options: { persistent?: boolean; tls?: boolean } = {}): Promise<TestRedis> {
  const port = await freePort();
  const password = `pb-${Math.random().toString(36).slice(2)}-secret`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-redis-'));
  const args = ['--bind', '127.0.0.1', '--requirepass', password, '--save', '', '--dir', dir, '--appendonly', options.persistent ? 'yes' : 'no'];
  let caFile: string | undefined;
  if (options.tls) {
    const { cert, key } = selfSignedCertificate(dir);
    caFile = cert;
    args.push('--port', '0', '--tls-port', String(port), '--tls-cert-file', cert, '--tls-key-file', key, '--tls-ca-cert-file', cert, '--tls-auth-clients', 'no');
  } else {
    args.push('--port', String(port));
  }
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn('redis-server', args, { stdio: 'ignore' });
    await answers(port, caFile);
  };
  const shutdown = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    port,
    password,
    url: options.tls ? `rediss://:${password}@localhost:${port}` : `redis://:${password}@127.0.0.1:${port}`,
    caFile,
    start,
    shutdown,
    async stop() {
      await shutdown();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
