import type { BetterAuthPlugin } from "better-auth";
import { createAuthMiddleware, isAPIError } from "better-auth/api";
import { getCurrentAdapter } from "better-auth";
import type { PublisherLogger } from "./events.js";
import type { NatsPublisher } from "./publisher.js";

export interface NatsUserEventsOptions {
  /**
   * Publish `member.removed` when a member leaves with `/organization/leave`
   * (`auth.api.leaveOrganization`), which calls no organization hook in
   * better-auth 1.7. Default `true`.
   */
  organizationLeave?: boolean;
  /**
   * Publish `member.removed` for every membership of a user that is deleted
   * (admin `removeUser`, `deleteUser`): the member rows go with the user
   * through the foreign key cascade, without any organization hook. Default `true`.
   * `user.deleted` itself is always published.
   */
  userDeletion?: boolean;
  /** Used only if something unexpected happens while reading state; default `console`. */
  logger?: PublisherLogger;
}

interface UserRow {
  id: string;
  role?: string | null;
  banned?: boolean | null;
  banExpires?: Date | string | number | null;
  [key: string]: unknown;
}

interface PendingUpdate {
  /** Target user as far as it is known before the update (admin endpoints send `body.userId`). */
  userId?: string;
  previous?: UserRow | null;
  role?: { value: unknown };
  banned?: { value: unknown };
  touchesBan: boolean;
}

/** Minimal view of the endpoint context Better Auth passes to database hooks. */
interface HookContext {
  body?: unknown;
  context?: {
    internalAdapter?: { findUserById(id: string): Promise<UserRow | null> };
    adapter?: unknown;
  };
}

interface AdapterLike {
  findMany(args: { model: string; where: { field: string; value: unknown }[] }): Promise<Record<string, unknown>[]>;
}

const toEpochMs = (value: unknown): number | null => {
  if (value === null || value === undefined) return null;
  const ms = value instanceof Date ? value.getTime() : new Date(value as string | number).getTime();
  return Number.isFinite(ms) ? ms : null;
};

const MAX_PENDING = 100;

/**
 * A Better Auth plugin that publishes the platform-level user events:
 * `user.role.changed`, `user.banned`, `user.unbanned` (from `databaseHooks.user.update`,
 * so `setRole`, `banUser`, `unbanUser`, admin `updateUser` and the admin plugin's
 * automatic unban of an expired ban at sign-in are all covered), `user.deleted`
 * (from `databaseHooks.user.delete`: admin `removeUser`, `deleteUser` and any other
 * `internalAdapter.deleteUser`), plus `member.removed` for `/organization/leave` and
 * for memberships of deleted users.
 *
 * The database `after` hooks run once the transaction, if any, has committed.
 */
export function natsUserEvents(publisher: NatsPublisher, options: NatsUserEventsOptions = {}): BetterAuthPlugin {
  const logger: PublisherLogger = options.logger ?? console;
  const noContext = {};
  const pendingUpdates = new WeakMap<object, PendingUpdate[]>();
  const pendingDeletes = new Map<string, { userId: string; organizationId: string }[]>();
  let authContext: HookContext["context"] | undefined;

  const safely = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      try {
        logger.error(`[better-auth-nats] ${what} failed: ${err instanceof Error ? err.message : String(err)}`);
      } catch {
        // never break the Better Auth request
      }
    }
  };

  const matches = (p: PendingUpdate, row: UserRow): boolean => {
    if (p.userId !== undefined) return p.userId === row.id;
    if (p.role && typeof p.role.value === "string" && row.role !== p.role.value) return false;
    if (p.banned && typeof p.banned.value === "boolean" && !!row.banned !== p.banned.value) return false;
    return true;
  };

  const beforeUserUpdate = async (data: Record<string, unknown>, ctx: unknown): Promise<void> => {
    const touchesRole = "role" in data;
    const touchesBan = "banned" in data || "banExpires" in data;
    if (!touchesRole && !touchesBan) return;
    await safely("reading the user before an update", async () => {
      const c = (ctx ?? null) as HookContext | null;
      const key = c ?? noContext;
      const body = c?.body as { userId?: unknown } | undefined;
      const userId = typeof body?.userId === "string" ? body.userId : undefined;
      let previous: UserRow | null = null;
      if (userId) {
        const internalAdapter = c?.context?.internalAdapter ?? authContext?.internalAdapter;
        previous = (await internalAdapter?.findUserById(userId)) ?? null;
      }
      const list = pendingUpdates.get(key) ?? [];
      list.push({
        userId,
        previous,
        role: touchesRole ? { value: data.role } : undefined,
        banned: "banned" in data ? { value: data.banned } : undefined,
        touchesBan,
      });
      if (list.length > MAX_PENDING) list.splice(0, list.length - MAX_PENDING);
      pendingUpdates.set(key, list);
    });
  };

  const afterUserUpdate = async (row: UserRow | null, ctx: unknown): Promise<void> => {
    if (!row?.id) return;
    await safely("publishing a user event", async () => {
      const key = (ctx ?? null) ?? noContext;
      const list = pendingUpdates.get(key as object);
      if (!list?.length) return;
      const index = list.findIndex((p) => matches(p, row));
      if (index < 0) return;
      const [p] = list.splice(index, 1);
      const occurredAt = Date.now();
      const previous = p!.previous && p!.previous.id === row.id ? p!.previous : undefined;

      if (p!.role) {
        const role = row.role ?? null;
        const previousRole = previous ? (previous.role ?? null) : null;
        if (!previous || previousRole !== role) {
          await publisher.publish("user.role.changed", { userId: row.id, role, previousRole }, occurredAt);
        }
      }
      if (p!.touchesBan) {
        if (row.banned) {
          const banExpires = toEpochMs(row.banExpires);
          if (!previous || !previous.banned || toEpochMs(previous.banExpires) !== banExpires) {
            await publisher.publish("user.banned", { userId: row.id, banExpires }, occurredAt);
          }
        } else if (!previous || previous.banned) {
          await publisher.publish("user.unbanned", { userId: row.id }, occurredAt);
        }
      }
    });
  };

  const beforeUserDelete = async (user: UserRow, ctx: unknown): Promise<void> => {
    if (options.userDeletion === false) return;
    await safely("reading the memberships of a user being deleted", async () => {
      const fallback = ((ctx as HookContext | null)?.context?.adapter ?? authContext?.adapter) as AdapterLike | undefined;
      if (!fallback) return;
      const adapter = (await getCurrentAdapter(fallback as never)) as unknown as AdapterLike;
      let rows: Record<string, unknown>[];
      try {
        rows = await adapter.findMany({ model: "member", where: [{ field: "userId", value: user.id }] });
      } catch {
        return; // no organization plugin, no member table
      }
      pendingDeletes.set(
        user.id,
        rows.map((m) => ({ userId: user.id, organizationId: String(m.organizationId) })),
      );
    });
  };

  const afterUserDelete = async (user: UserRow | null): Promise<void> => {
    if (!user?.id) return;
    const memberships = pendingDeletes.get(user.id);
    pendingDeletes.delete(user.id);
    const occurredAt = Date.now();
    await safely("publishing a user deletion", async () => {
      // user.deleted first: on its own it makes a consumer refuse the user everywhere
      await publisher.publish("user.deleted", { userId: user.id }, occurredAt);
      for (const m of memberships ?? []) await publisher.publish("member.removed", m, occurredAt);
    });
  };

  const plugin = {
    id: "nats-user-events",
    init(ctx: unknown) {
      authContext = ctx as HookContext["context"];
      return {
        options: {
          databaseHooks: {
            user: {
              update: { before: beforeUserUpdate, after: afterUserUpdate },
              delete: { before: beforeUserDelete, after: afterUserDelete },
            },
          },
        },
      };
    },
    hooks: {
      after:
        options.organizationLeave === false
          ? []
          : [
              {
                matcher: (context: { path?: string }) => context.path === "/organization/leave",
                handler: createAuthMiddleware(async (ctx) => {
                  const returned = ctx.context.returned as Record<string, unknown> | undefined;
                  if (!returned || isAPIError(returned) || returned instanceof Response) return;
                  const { userId, organizationId } = returned;
                  if (typeof userId !== "string" || typeof organizationId !== "string") return;
                  await publisher.publish("member.removed", { userId, organizationId });
                }),
              },
            ],
    },
  };
  return plugin as unknown as BetterAuthPlugin;
}
