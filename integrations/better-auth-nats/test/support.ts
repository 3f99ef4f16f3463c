import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { connect, type NatsConnection, type Subscription } from "nats";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { admin, jwt, organization } from "better-auth/plugins";
import { createAccessControl } from "better-auth/plugins/access";
import { adminAc, defaultStatements, memberAc, ownerAc } from "better-auth/plugins/organization/access";
import { natsOrganizationHooks, natsUserEvents, type NatsPublisher, type PublisherLogger } from "../src/index.js";

/** Connection URL of a database the test may create databases from. */
export const PG_ADMIN_URL = process.env.PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const NATS_URL = process.env.NATS_URL ?? "nats://127.0.0.1:4222";

export const randomToken = (bytes = 6) => randomBytes(bytes).toString("hex");

export interface TempDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Creates a fresh, uniquely named database; `drop()` removes it (forcing out open connections). */
export async function createTempDatabase(): Promise<TempDatabase> {
  const name = `ba_nats_test_${Date.now()}_${randomToken(4)}`;
  const adminClient = new pg.Client({ connectionString: PG_ADMIN_URL });
  await adminClient.connect();
  try {
    await adminClient.query(`CREATE DATABASE "${name}"`);
  } finally {
    await adminClient.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A logger that remembers what it was told. */
export function memoryLogger(): PublisherLogger & { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  return {
    errors,
    warnings,
    error: (message: string) => void errors.push(message),
    warn: (message: string) => void warnings.push(message),
    info: () => {},
    debug: () => {},
  };
}

// ---------------------------------------------------------------------------------------------
// Better Auth set-up as the platform uses it: organization (owner/admin/staff/viewer), admin, jwt.

const ac = createAccessControl(defaultStatements);
export const orgRoles = {
  owner: ac.newRole(ownerAc.statements),
  admin: ac.newRole(adminAc.statements),
  staff: ac.newRole({ ...memberAc.statements, member: ["create"], invitation: ["create"] }),
  viewer: ac.newRole(memberAc.statements),
};

export type SchemaVariant = "better-auth-default" | "plural-snake";

/** Table and column renames of this platform's deployment (`plural-snake`). */
const pluralSnake = {
  core: {
    user: {
      modelName: "users",
      fields: { emailVerified: "email_verified", createdAt: "created_at", updatedAt: "updated_at" },
    },
    session: {
      modelName: "sessions",
      fields: {
        userId: "user_id",
        expiresAt: "expires_at",
        ipAddress: "ip_address",
        userAgent: "user_agent",
        createdAt: "created_at",
        updatedAt: "updated_at",
      },
    },
    account: {
      modelName: "accounts",
      fields: {
        userId: "user_id",
        accountId: "account_id",
        providerId: "provider_id",
        accessToken: "access_token",
        refreshToken: "refresh_token",
        idToken: "id_token",
        accessTokenExpiresAt: "access_token_expires_at",
        refreshTokenExpiresAt: "refresh_token_expires_at",
        createdAt: "created_at",
        updatedAt: "updated_at",
      },
    },
    verification: {
      modelName: "verifications",
      fields: { expiresAt: "expires_at", createdAt: "created_at", updatedAt: "updated_at" },
    },
  },
  organization: {
    organization: { modelName: "organizations", fields: { createdAt: "created_at" } },
    member: {
      modelName: "members",
      fields: { userId: "user_id", organizationId: "organization_id", createdAt: "created_at" },
    },
    invitation: {
      modelName: "invitations",
      fields: { organizationId: "organization_id", inviterId: "inviter_id", expiresAt: "expires_at", createdAt: "created_at" },
    },
    session: { fields: { activeOrganizationId: "active_organization_id" } },
  },
  admin: {
    user: { fields: { banReason: "ban_reason", banExpires: "ban_expires" } },
    session: { fields: { impersonatedBy: "impersonated_by" } },
  },
  jwt: {
    jwks: {
      fields: { publicKey: "public_key", privateKey: "private_key", createdAt: "created_at", expiresAt: "expires_at" },
    },
  },
} as const;

export function createAuth(options: { pool: pg.Pool; publisher: NatsPublisher; variant: SchemaVariant }) {
  const snake = options.variant === "plural-snake";
  return betterAuth({
    database: options.pool,
    baseURL: "http://localhost:3000",
    secret: "better-auth-nats-test-secret-0123456789abcdef",
    emailAndPassword: { enabled: true },
    telemetry: { enabled: false },
    logger: { level: "error" },
    ...(snake ? pluralSnake.core : {}),
    // users may delete their own account (`deleteUser`), which must publish user.deleted too
    user: { ...(snake ? pluralSnake.core.user : {}), deleteUser: { enabled: true } },
    plugins: [
      organization({
        ac,
        roles: orgRoles,
        organizationHooks: natsOrganizationHooks(options.publisher),
        ...(snake ? { schema: pluralSnake.organization } : {}),
      }),
      admin(snake ? { schema: pluralSnake.admin } : {}),
      jwt(snake ? { schema: pluralSnake.jwt } : {}),
      natsUserEvents(options.publisher),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;

export async function migrate(auth: Auth): Promise<void> {
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
}

/** Turns the Set-Cookie headers of a sign-in/sign-up into a request `cookie` header. */
export function sessionHeaders(responseHeaders: Headers): Headers {
  const cookies = responseHeaders.getSetCookie().map((c) => c.split(";")[0]);
  assert.ok(cookies.length > 0, "expected a session cookie");
  return new Headers({ cookie: cookies.join("; ") });
}

export async function signUp(auth: Auth, name: string) {
  const email = `${name}-${randomToken(3)}@example.test`;
  const password = `pw-${randomToken(8)}`;
  const { headers, response } = await auth.api.signUpEmail({
    body: { email, password, name },
    returnHeaders: true,
  });
  return { user: response.user, email, password, headers: sessionHeaders(headers) };
}

export async function signIn(auth: Auth, email: string, password: string) {
  const { headers } = await auth.api.signInEmail({ body: { email, password }, returnHeaders: true });
  return sessionHeaders(headers);
}

// ---------------------------------------------------------------------------------------------
// NATS side: collect everything under the run's prefix and compare step by step.

export interface ReceivedEvent {
  subject: string;
  data: Record<string, unknown>;
}

export interface ExpectedEvent {
  subject: string;
  fields: Record<string, unknown>;
}

export class EventCollector {
  readonly received: ReceivedEvent[] = [];
  private cursor = 0;
  private readonly eventIds = new Set<string>();
  private constructor(
    private readonly nc: NatsConnection,
    private readonly sub: Subscription,
    readonly prefix: string,
  ) {}

  static async start(prefix: string): Promise<EventCollector> {
    const nc = await connect({ servers: NATS_URL, name: "better-auth-nats-test-subscriber" });
    const sub = nc.subscribe(`${prefix}>`);
    const collector = new EventCollector(nc, sub, prefix);
    void (async () => {
      for await (const m of sub) {
        assert.ok(m.subject.startsWith(prefix));
        collector.received.push({ subject: m.subject.slice(prefix.length), data: JSON.parse(new TextDecoder().decode(m.data)) });
      }
    })();
    await nc.flush(); // the subscription is registered on the server before anything is published
    return collector;
  }

  /**
   * Runs `action`, then asserts that exactly `expected` arrived (in order, nothing more within
   * `settleMs`), each with a fresh `eventId` and an `occurredAt` taken during the action.
   */
  async expect<T>(action: () => Promise<T>, expected: ExpectedEvent[] | ((result: T) => ExpectedEvent[]), settleMs = 150): Promise<T> {
    const start = Date.now();
    const result = await action();
    const end = Date.now();
    const want = typeof expected === "function" ? expected(result) : expected;
    const deadline = Date.now() + 5000;
    while (this.received.length < this.cursor + want.length && Date.now() < deadline) await sleep(10);
    await sleep(settleMs);
    const got = this.received.slice(this.cursor);
    this.cursor = this.received.length;
    assert.deepEqual(
      got.map((e) => ({ subject: e.subject, fields: withoutEnvelope(e.data) })),
      want,
      "events on NATS",
    );
    for (const e of got) {
      assert.equal(typeof e.data.eventId, "string");
      assert.ok((e.data.eventId as string).length > 0);
      assert.ok(!this.eventIds.has(e.data.eventId as string), "eventId is unique");
      this.eventIds.add(e.data.eventId as string);
      assert.ok(Number.isInteger(e.data.occurredAt), "occurredAt is epoch ms");
      assert.ok((e.data.occurredAt as number) >= start && (e.data.occurredAt as number) <= end, "occurredAt within the call");
    }
    return result;
  }

  async stop(): Promise<void> {
    this.sub.unsubscribe();
    await this.nc.drain();
  }
}

function withoutEnvelope(data: Record<string, unknown>): Record<string, unknown> {
  const { eventId: _e, occurredAt: _o, ...rest } = data;
  return rest;
}
