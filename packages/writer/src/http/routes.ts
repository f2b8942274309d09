// Route templates for the route label: what frameworks know after routing, read or recorded on the
// node:http request. A raw URL is never used, so the number of series stays that of the routes.
import type { IncomingMessage } from 'node:http';

/** The route label of a request no route matched (a 404, or a framework that gave none). */
export const UNMATCHED_ROUTE = '#unmatched';

const ROUTE = Symbol('mmstats.route');

type WithRoute = IncomingMessage & { [ROUTE]?: string };

/**
 * Records the route template that served `req` (`/users/:id`), for the default `routeOf` of
 * `instrumentHttpServer`. Call it from a framework's routing hook or middleware: Fastify's
 * `instrumentFastify` does; in Koa, `setRoute(ctx.req, ctx._matchedRoute)` after the router.
 */
export function setRoute(req: IncomingMessage, template: string | undefined): void {
  (req as WithRoute)[ROUTE] = template;
}

/** The template recorded with `setRoute`, if any: the default `routeOf`. */
export function recordedRoute(req: IncomingMessage): string | undefined {
  return (req as WithRoute)[ROUTE];
}

interface ExpressRequest extends IncomingMessage {
  readonly baseUrl?: string;
  readonly route?: { readonly path?: unknown };
}

/**
 * The route template Express matched for `req`: the mount path of its router (`req.baseUrl`) and
 * the route's path (`req.route.path`), such as `/api` + `/users/:id`. Undefined when no route
 * matched. A `routeOf` for `instrumentHttpServer` with Express 4 and 5.
 */
export function expressRoute(req: IncomingMessage): string | undefined {
  const { route, baseUrl } = req as ExpressRequest;
  if (route === undefined || route.path === undefined) return undefined;
  return (baseUrl ?? '') + String(route.path);
}
