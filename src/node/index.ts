/**
 * kompliant-envelope/node: answers for what Node's HTTP server refuses
 * before Express runs (malformed requests, oversized headers), as envelopes
 * on the raw socket. Every export is listed here by name.
 *
 * @module kompliant-envelope/node
 */
export { clientErrorHandler, type ClientErrorHandlerOptions } from './client-error.js';
