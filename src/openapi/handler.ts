/**
 * `openApiHandler()`: serves the app's own OpenAPI document, made on the
 * first request and kept.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { markMiddleware } from '../core/options.js';
import { checkDocumentOptions, openApiDocument, type OpenApiDocumentOptions } from './document.js';

/** Express's `next`; inlined in the API reference. @inline */
type Next = (error?: unknown) => void;

/**
 * A route handler that answers the app's OpenAPI 3.1 document, as
 * `openApiDocument(app, options)` makes it, as raw JSON (`application/json`,
 * status 200) — not an envelope, because Swagger UI, Redocly, Prism and
 * code generators read the document at the URL's root. The document is
 * made on the first request, once every route is registered, and the same
 * bytes are answered afterwards; the route serving it is left out of it.
 * Options are checked here (`TypeError`); a schema that cannot be converted
 * reaches the error handler on that first request (500), and is tried again
 * on the next one.
 *
 * @example
 * ```ts
 * app.get('/openapi.json', openApiHandler(app, { info: { title: 'Accounts' } }));
 * ```
 */
export function openApiHandler(app: unknown, options: OpenApiDocumentOptions): (req: IncomingMessage, res: ServerResponse, next: Next) => void {
  checkDocumentOptions(options, 'openApiHandler()');
  let body: Buffer | undefined;
  return markMiddleware(
    (req: IncomingMessage, res: ServerResponse, next: Next) => {
      if (body === undefined) {
        try {
          body = Buffer.from(JSON.stringify(openApiDocument(app, options)));
        } catch (error) {
          return next(error);
        }
      }
      res.statusCode = 200;
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('Content-Length', body.length);
      res.end(req.method === 'HEAD' ? undefined : body);
    },
    { kind: 'openapi' },
  );
}
