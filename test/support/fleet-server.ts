/**
 * One instance of a small fleet, run as its own process by test/support/fleet.ts
 * (`tsx test/support/fleet-server.ts`): an app on 127.0.0.1 and a free port
 * that follows a shared maintenance switch and checks signed requests against
 * a shared nonce store, both in the Redis at FLEET_REDIS_URL. FLEET_EXPRESS
 * picks the major (4 or 5). Prints `listening <port>` once it listens; exits
 * cleanly on SIGTERM.
 */
import type { AddressInfo } from 'node:net';
import express5 from 'express';
import express4 from 'express4';
import { createClient } from 'redis';
import { envelope, errorHandler, ok } from 'kompliant-envelope';
import { authenticate, hmacVerifier, keepRawBody, principalOf, redisNonceStore } from 'kompliant-envelope/auth';
import { maintenance, redisMaintenanceSwitch } from 'kompliant-envelope/maintenance';
import { FLEET_POLL_MS, FLEET_SECRETS, FLEET_STORE_TIMEOUT_MS } from './fleet.js';


async function main(): Promise<void> {
  const express = (process.env['FLEET_EXPRESS'] === '4' ? express4 : express5) as typeof express5;
  const redis = createClient({
    url: process.env['FLEET_REDIS_URL'] as string,
    disableOfflineQueue: true,
    socket: { connectTimeout: 1000, reconnectStrategy: (retries: number) => Math.min(50 * (retries + 1), 500) },
  });
  redis.on('error', () => undefined); // failures surface as store errors, which the library logs
  await redis.connect();
  const sendCommand = (args: string[]) => redis.sendCommand(args);
  const fleet = redisMaintenanceSwitch({ sendCommand, pollInterval: FLEET_POLL_MS, storeTimeout: FLEET_STORE_TIMEOUT_MS });

  const app = express();
  app.use(envelope());
  app.use(maintenance({ enabled: fleet, skip: (req) => req.path === '/health' }));
  app.use(express.json({ verify: keepRawBody }));
  app.use(
    '/webhooks',
    authenticate({
      headers: ['X-Key-Id', 'X-Timestamp', 'X-Nonce', 'X-Signature'],
      verify: hmacVerifier({ secrets: FLEET_SECRETS, nonceStore: redisNonceStore({ sendCommand }), storeTimeout: FLEET_STORE_TIMEOUT_MS }),
    }),
  );
  app.post('/webhooks/orders', (req, res) => ok(res, { from: principalOf(req), got: req.body }));
  app.get('/orders', (_req, res) => ok(res, []));
  app.get('/health', (_req, res) => ok(res, { up: true, express: Number(process.env['FLEET_EXPRESS']) }));
  app.use(errorHandler());

  const server = app.listen(0, '127.0.0.1', () => {
    process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
  });
  process.once('SIGTERM', () => {
    fleet.close();
    server.close();
    server.closeAllConnections();
    void redis.disconnect().catch(() => undefined);
    // Anything still open (a command to a frozen Redis) must not keep the process.
    setTimeout(() => process.exit(0), 500).unref();
  });
}

void main().catch((error: unknown) => {
  process.stderr.write(`fleet-server failed to start: ${String(error)}\n`);
  process.exit(1);
});
