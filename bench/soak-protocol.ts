/**
 * What `bench/soak.ts` and `bench/soak-server.ts` share: the IPC messages,
 * the server's settings, and the trace-id checksum both sides compute.
 */

/** `GET /reports/monthly` may take this long on the soak server (the demo's default is 2 s). */
export const SOAK_REPORT_TIMEOUT_MS = 50;

/** What the server's `onResponse` and `onError` hooks counted. */
export interface ServerCounters {
  responses: number;
  /** Sum of `traceIdHash()` over every reported trace id, modulo 2^32. */
  traceSum: number;
  byStatus: Record<number, number>;
  aborted: number;
  errorsReported: number;
  lateErrors: number;
  errorsByStatus: Record<number, number>;
}

/** The server's state, read after the connections have drained. */
export interface ServerSample {
  type: 'sample';
  /** `process.memoryUsage().heapUsed`, after two full GCs when asked for. */
  heapUsed: number;
  /** `process.getActiveResourcesInfo()`: one entry per open handle, request or timer. */
  resources: string[];
  /** Open connections of the HTTP server; -1 when unknown. */
  connections: number;
}

/** Parent → server. */
export type SoakMessage = { type: 'sample'; gc: boolean } | { type: 'maintenance'; on: boolean } | { type: 'counters' };

/** Server → parent. */
export type ServerMessage = { type: 'listening'; port: number } | ServerSample | { type: 'counters'; counters: ServerCounters };

/**
 * FNV-1a (32 bits) of a trace id. Summed over all answers on both sides, it
 * tells whether the access log saw the same trace ids as the clients, in any
 * order, without the server keeping them.
 */
export function traceIdHash(traceId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < traceId.length; i++) {
    hash ^= traceId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
