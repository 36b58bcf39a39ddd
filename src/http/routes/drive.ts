import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Drive } from '../../config/load-drive.ts';
import type { RouteDeps } from '../build-server.ts';
import { sendProblem } from '../problem.ts';

const driveQuery = z.object({ region: z.string().max(32).optional(), site: z.string().max(64).optional(), all: z.enum(['true']).optional(), lang: z.string().optional() }).strict();
const areasQuery = z.object({ parent: z.string().max(32).optional(), lang: z.string().optional() }).strict();

/**
 * The drive as the browser apps need it: everything but the full area list, which is large (the
 * regions always, and the areas of one region when asked: an agent device loads its site's region).
 */
export function publicDrive(drive: Drive, region?: string, all = false) {
  const { areas: everyArea, sources: _sources, ...rest } = drive.config;
  if (all) return { ...rest, areas: everyArea };
  const areas = drive.children(null).map((a) => ({ ...a }));
  if (region) for (const pcode of drive.descendantsOf(region).slice(1)) areas.push({ ...drive.areas.get(pcode)! });
  return { ...rest, areas };
}

export function driveRoutes(app: FastifyInstance, { ctx }: RouteDeps, done: () => void): void {
  const { drive } = ctx;
  app.get(
    '/api/v1/drive',
    { schema: { tags: ['drive'], summary: "The drive's public description; the regions, and every area of one region (or of a site's region, or all with all=true) when asked", querystring: driveQuery }, config: { permission: 'drive.read' } },
    async (request, reply) => {
      const query = request.query as z.infer<typeof driveQuery>;
      let region = query.region;
      if (query.site !== undefined) {
        const site = drive.sites.get(query.site);
        if (!site) return sendProblem(reply, 400, 'validation_failed', { errors: [{ field: 'site', code: 'unknown_site', params: { value: query.site } }] });
        region = drive.regionOf(site.area)?.pcode;
      }
      if (region !== undefined && drive.areas.get(region)?.level !== 1) {
        return sendProblem(reply, 400, 'validation_failed', { errors: [{ field: 'region', code: 'unknown_area', params: { value: region } }] });
      }
      return reply.header('cache-control', 'public, max-age=300').send(publicDrive(drive, region, query.all === 'true'));
    },
  );

  app.get(
    '/api/v1/areas',
    { schema: { tags: ['drive'], summary: 'The areas directly below one (the regions without parent), sorted by name', querystring: areasQuery }, config: { permission: 'drive.read' } },
    async (request, reply) => {
      const { parent } = request.query as z.infer<typeof areasQuery>;
      if (parent !== undefined && !drive.areas.has(parent)) {
        return sendProblem(reply, 400, 'validation_failed', { errors: [{ field: 'parent', code: 'unknown_area', params: { value: parent } }] });
      }
      const items = drive.children(parent ?? null).map((a) => ({ pcode: a.pcode, name: a.name, level: a.level }));
      return reply.header('cache-control', 'public, max-age=3600').send({ items });
    },
  );
  done();
}
