// A real Better Auth (admin + organization + jwt + bearer) served over HTTP, for end-to-end tests of the gateway.
//
//   PRESET=plural-snake DATABASE_URL=postgres://postgres@127.0.0.1:5432/tg_e2e PORT=3000 ALG=EdDSA node server.mjs
//
// Env: PRESET (better-auth-default | plural-snake, default plural-snake), DATABASE_URL (required), PORT (0 = any
// free port; default 3000), HOST (the address listened on, default 127.0.0.1; 0.0.0.0 in a container), ALG (EdDSA |
// RS256 | ES256, default EdDSA), BASE_URL (default http://127.0.0.1:<port>),
// SEED=1 to create the fixture users/organizations (fixtures.mjs) and FIXTURES_OUT=<file> to write them as JSON,
// NATS_URL (e.g. nats://127.0.0.1:4222) to publish the identity change events there, SUBJECT_PREFIX (default "");
// PUBLISHER=package to publish them with the project's @tenantgate/better-auth-nats package instead of this file's
// hooks (then no EVENT lines are printed).
// Prints one line `READY <baseUrl>` on stdout once it accepts requests (after seeding), and one
// `EVENT <subject> <json>` line per identity change (the events of the project's events contract).
//
// Routes:
//   /api/auth/*        Better Auth; GET /api/auth/jwks, GET /api/auth/token (session cookie, or
//                      `Authorization: Bearer <session token>`) -> JWT with organizationId/orgRole claims
//   /noorg/api/auth/*  a second Better Auth on the same database, keys and sessions, whose tokens carry the
//                      library's default payload (the whole user, no organization claims)
//   /health            200 once the schema exists
//
// Key rotation (used by e2e.mjs): `rotateSigningKey(auth, alg)` mints a new key with the jwt plugin's own createJwk
// (the newest key of the configured algorithm signs from then on; older keys stay in the JWKS), and the running
// server's `restart({ alg })` replaces both Better Auth instances by new ones on the same database configured for
// another algorithm, minting that algorithm's first key (the plugin would otherwise keep signing with the newest
// live key of any algorithm).
import http from "node:http";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { betterAuth } from "better-auth";
import { bearer } from "better-auth/plugins";
import { createAuthMiddleware } from "better-auth/api";
import { getMigrations } from "better-auth/db/migration";
import { createJwk } from "better-auth/plugins/jwt";
import { createAccessControl } from "better-auth/plugins/access";
import { defaultStatements, ownerAc, adminAc } from "better-auth/plugins/organization/access";
import {
  defaultStatements as adminStatements,
  adminAc as platformAdminAc,
  userAc as platformUserAc,
} from "better-auth/plugins/admin/access";
import { authOptions } from "./presets.mjs";

// Organization roles of this platform: owner/admin/staff/viewer (the library keeps its own owner/admin/member too).
const orgAc = createAccessControl({ ...defaultStatements, project: ["read", "write", "delete"] });
export const orgRoles = {
  owner: orgAc.newRole({ ...ownerAc.statements, project: ["read", "write", "delete"] }),
  admin: orgAc.newRole({ ...adminAc.statements, project: ["read", "write", "delete"] }),
  staff: orgAc.newRole({ project: ["read", "write"] }),
  viewer: orgAc.newRole({ project: ["read"] }),
};

// Platform roles (admin plugin): user, admin, superadmin.
const platformAc = createAccessControl(adminStatements);
export const platformRoles = {
  user: platformUserAc,
  admin: platformAdminAc,
  superadmin: platformAc.newRole({ ...adminStatements }),
};

export const keyPairConfigs = {
  EdDSA: { alg: "EdDSA", crv: "Ed25519" },
  RS256: { alg: "RS256" },
  ES256: { alg: "ES256" },
};

const epochMs = (d) => (d == null ? null : new Date(d).getTime());

/**
 * Options that emit the events of events.md through `emit(subject, payload)`; `trace(hookName, args)` sees every
 * organization hook call (the self-test checks the argument names with it).
 *
 * Organization hooks of better-auth 1.7.25 (`organization({ organizationHooks: {...} })`):
 *   afterAddMember({member, user, organization})              addMember, and for the creator in createOrganization
 *   afterAcceptInvitation({invitation, member, user, organization})   accepting an invitation (NOT afterAddMember)
 *   afterUpdateMemberRole({member, previousRole, user, organization})
 *   afterRemoveMember({member, user, organization})           removeMember only; /organization/leave has no hook
 *   afterDeleteOrganization({organization, user}, ctx)
 * Leaving an organization, platform role/ban changes and user deletions are caught with request hooks
 * (`hooks.before/after` on /organization/leave, /admin/set-role, /admin/ban-user, /admin/unban-user,
 * /admin/remove-user): the user update database hook sees neither the previous role nor which fields changed.
 * (Only the admin's removeUser publishes user.deleted here; the package's plugin covers every deletion.)
 */
function eventOptions(publish, trace) {
  const now = () => Date.now();
  const emit = (subject, payload) => publish(subject, { eventId: randomUUID(), ...payload });
  const previousRoles = new Map();
  const added = (member) =>
    emit("member.added", { userId: member.userId, organizationId: member.organizationId, role: member.role, occurredAt: now() });
  const traced = (name, fn) => async (args, ...rest) => {
    trace(name, args);
    await fn(args, ...rest);
  };
  const organization = {
    organizationHooks: {
      afterAddMember: traced("afterAddMember", async ({ member }) => added(member)),
      afterAcceptInvitation: traced("afterAcceptInvitation", async ({ member }) => added(member)),
      afterUpdateMemberRole: traced("afterUpdateMemberRole", async ({ member, previousRole }) =>
        emit("member.role.changed", {
          userId: member.userId, organizationId: member.organizationId, role: member.role, previousRole, occurredAt: now(),
        })),
      afterRemoveMember: traced("afterRemoveMember", async ({ member }) =>
        emit("member.removed", { userId: member.userId, organizationId: member.organizationId, occurredAt: now() })),
      afterDeleteOrganization: traced("afterDeleteOrganization", async ({ organization }) =>
        emit("organization.deleted", { organizationId: organization.id, occurredAt: now() })),
    },
  };
  const hooks = {
    before: createAuthMiddleware(async (ctx) => {
      if (ctx.path !== "/admin/set-role") return;
      const user = await ctx.context.internalAdapter.findUserById(ctx.body.userId);
      previousRoles.set(ctx.body.userId, user?.role ?? null);
    }),
    after: createAuthMiddleware(async (ctx) => {
      const returned = ctx.context.returned;
      if (!returned || returned instanceof Error) return; // failed call: returned is an APIError
      const user = returned.user;
      if (ctx.path === "/organization/leave") {
        emit("member.removed", { userId: returned.userId, organizationId: returned.organizationId, occurredAt: now() });
      } else if (ctx.path === "/admin/set-role" && user) {
        const previousRole = previousRoles.get(user.id) ?? null;
        previousRoles.delete(user.id);
        emit("user.role.changed", { userId: user.id, role: user.role, previousRole, occurredAt: now() });
      } else if (ctx.path === "/admin/ban-user" && user) {
        emit("user.banned", { userId: user.id, banExpires: epochMs(user.banExpires), occurredAt: now() });
      } else if (ctx.path === "/admin/unban-user" && user) {
        emit("user.unbanned", { userId: user.id, occurredAt: now() });
      } else if (ctx.path === "/admin/remove-user" && returned.success === true && typeof ctx.body?.userId === "string") {
        emit("user.deleted", { userId: ctx.body.userId, occurredAt: now() });
      }
    }),
  };
  return { organization, hooks };
}

/**
 * Hooks that publish the events: this file's own (`emit`), or, given `natsPublisher` (a publisher of the
 * project's @tenantgate/better-auth-nats package, ../integrations/better-auth-nats), that package's
 * natsOrganizationHooks and natsUserEvents plugin, which publish to NATS themselves.
 */
async function eventHooks({ emit, trace, natsPublisher }) {
  if (!natsPublisher) {
    const own = eventOptions(emit, trace);
    return { options: { hooks: own.hooks }, organization: own.organization, plugins: [] };
  }
  const { natsOrganizationHooks, natsUserEvents } = await import("@tenantgate/better-auth-nats");
  return {
    options: {},
    organization: { organizationHooks: natsOrganizationHooks(natsPublisher) },
    plugins: [natsUserEvents(natsPublisher)],
  };
}

/**
 * Two Better Auth instances on one database: `auth` issues JWTs with organizationId/orgRole claims,
 * `plainAuth` the library's default payload. Creates the schema (runMigrations) if it is missing.
 * Events go to `emit` (this file's hooks) unless `natsPublisher` is given (see eventHooks).
 */
export async function createAuthPair({
  preset = "plural-snake", pool, baseURL, alg = "EdDSA", emit = () => {}, trace = () => {}, natsPublisher,
}) {
  const keyPairConfig = keyPairConfigs[alg];
  if (!keyPairConfig) throw new Error(`ALG must be one of ${Object.keys(keyPairConfigs).join(", ")}`);
  const events = await eventHooks({ emit, trace, natsPublisher });
  const make = (jwtOptions, withEvents) =>
    betterAuth(
      authOptions(preset, {
        database: pool,
        baseURL,
        extra: {
          options: { ...(withEvents ? events.options : {}), logger: { level: "error" } },
          admin: { roles: platformRoles, adminRoles: ["admin", "superadmin"] },
          organization: { ac: orgAc, roles: orgRoles, ...(withEvents ? events.organization : {}) },
          jwt: { jwks: { keyPairConfig }, ...jwtOptions },
          plugins: [bearer(), ...(withEvents ? events.plugins : [])],
        },
      }),
    );

  const auth = make(
    {
      jwt: {
        // The claims this platform adds: the session's active organization and the member's role in it.
        definePayload: async ({ user, session }) => {
          const payload = { email: user.email, name: user.name, role: user.role ?? null };
          const organizationId = session.activeOrganizationId;
          if (!organizationId) return payload;
          const { adapter } = await auth.$context;
          const member = await adapter.findOne({
            model: "member",
            where: [
              { field: "userId", value: user.id },
              { field: "organizationId", value: organizationId },
            ],
          });
          return { ...payload, organizationId, orgRole: member?.role ?? null };
        },
      },
    },
    true,
  );
  const plainAuth = make({}, false);

  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
  // Create the signing key through the main instance, so that both instances share one key.
  const { keys } = await auth.api.getJwks();
  // Restarted with another algorithm on an existing database: mint that algorithm's first key.
  if (!keys.some((k) => k.alg === keyPairConfig.alg)) await rotateSigningKey(auth, alg);
  return { auth, plainAuth };
}

/**
 * Mints a new signing key of `alg` with the jwt plugin's createJwk (the library's explicit rotation). An instance
 * configured for `alg` signs with it from now on; the previous keys stay in the JWKS (no expiry, no grace period).
 * Returns the key's id (the `kid`).
 */
export async function rotateSigningKey(auth, alg = "EdDSA") {
  const keyPairConfig = keyPairConfigs[alg];
  if (!keyPairConfig) throw new Error(`alg must be one of ${Object.keys(keyPairConfigs).join(", ")}`);
  const key = await createJwk({ context: await auth.$context }, { jwks: { keyPairConfig } });
  return key.id;
}

async function toRequest(req, baseUrl, url) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const v of [].concat(value)) headers.append(name, v);
  }
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = chunks.length ? Buffer.concat(chunks) : undefined;
  return new Request(new URL(url, baseUrl), { method: req.method, headers, body });
}

async function sendResponse(res, response) {
  const headers = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers["set-cookie"] = cookies;
  res.writeHead(response.status, headers);
  res.end(Buffer.from(await response.arrayBuffer()));
}

/** Starts the HTTP server; resolves once the schema exists and requests are served. */
export async function startServer({ preset, databaseUrl, port = 3000, host = "127.0.0.1", alg = "EdDSA", baseURL, emit, trace, natsPublisher } = {}) {
  let handlers = null;
  const server = http.createServer(async (req, res) => {
    try {
      if (!handlers) return sendResponse(res, new Response("starting", { status: 503 }));
      if (req.url === "/health") return sendResponse(res, new Response("ok"));
      if (req.url.startsWith("/noorg/api/auth/")) {
        return sendResponse(res, await handlers.plainAuth.handler(await toRequest(req, baseUrl, req.url.slice("/noorg".length))));
      }
      if (req.url.startsWith("/api/auth/")) {
        return sendResponse(res, await handlers.auth.handler(await toRequest(req, baseUrl, req.url)));
      }
      return sendResponse(res, new Response("not found", { status: 404 }));
    } catch (err) {
      console.error(err);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  });
  await new Promise((resolve) => server.listen(port, host, resolve));
  const baseUrl = baseURL ?? `http://127.0.0.1:${server.address().port}`;
  const pool = new pg.Pool({ connectionString: databaseUrl });
  let closing = false;
  // pool.end() resolves before the sockets are closed; a database dropped right after must not crash us.
  pool.on("error", (err) => closing || console.error(`pg pool: ${err.message}`));
  handlers = await createAuthPair({ preset, pool, baseURL: baseUrl, alg, emit, trace, natsPublisher });
  const running = {
    ...handlers,
    pool,
    baseUrl,
    alg,
    /** New Better Auth instances on the same database, port and secret, signing with `alg` (sessions survive). */
    async restart({ alg: newAlg = running.alg } = {}) {
      const next = await createAuthPair({ preset, pool, baseURL: baseUrl, alg: newAlg, emit, trace, natsPublisher });
      handlers = next;
      Object.assign(running, next, { alg: newAlg });
      return running;
    },
    async close() {
      closing = true;
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections(); // keep-alive connections would hold close() for seconds
      await closed;
      await pool.end();
    },
  };
  return running;
}

/** EVENT lines on stdout, and NATS messages when NATS_URL is set (subject = SUBJECT_PREFIX + subject). */
async function eventSink(env) {
  let nc = null;
  if (env.NATS_URL) {
    const { connect, StringCodec } = await import("nats");
    nc = await connect({ servers: env.NATS_URL });
    const sc = StringCodec();
    nc.publishJson = (subject, payload) => nc.publish(subject, sc.encode(JSON.stringify(payload)));
  }
  const prefix = env.SUBJECT_PREFIX ?? "";
  return {
    emit(subject, payload) {
      console.log(`EVENT ${prefix}${subject} ${JSON.stringify(payload)}`);
      nc?.publishJson(prefix + subject, payload);
    },
    close: async () => nc?.drain(),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const env = process.env;
  if (!env.DATABASE_URL) {
    console.error("DATABASE_URL is required");
    process.exit(2);
  }
  let events;
  let natsPublisher;
  if (env.PUBLISHER === "package") {
    if (!env.NATS_URL) {
      console.error("PUBLISHER=package needs NATS_URL");
      process.exit(2);
    }
    const { createNatsPublisher } = await import("@tenantgate/better-auth-nats");
    natsPublisher = await createNatsPublisher({ servers: env.NATS_URL, subjectPrefix: env.SUBJECT_PREFIX ?? "" });
    events = { emit: () => {}, close: () => natsPublisher.close() };
  } else {
    events = await eventSink(env);
  }
  const running = await startServer({
    preset: env.PRESET ?? "plural-snake",
    databaseUrl: env.DATABASE_URL,
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? "127.0.0.1",
    alg: env.ALG ?? "EdDSA",
    baseURL: env.BASE_URL,
    emit: events.emit,
    natsPublisher,
  });
  if (env.SEED === "1") {
    const { seed } = await import("./fixtures.mjs");
    const fixtures = await seed(running);
    if (env.FIXTURES_OUT) {
      const { writeFile } = await import("node:fs/promises");
      await writeFile(env.FIXTURES_OUT, JSON.stringify(fixtures, null, 2));
    }
  }
  console.log(`READY ${running.baseUrl}`);
  const stop = async () => {
    await running.close();
    await events.close();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
