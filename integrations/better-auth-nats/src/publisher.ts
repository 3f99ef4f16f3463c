import { randomUUID } from "node:crypto";
import { connect, type ConnectionOptions, type NatsConnection } from "nats";
import type { EventFields, EventPayload, EventSubject, PublisherLogger } from "./events.js";

export interface NatsPublisherOptions {
  /** NATS server URL(s). Default `nats://127.0.0.1:4222`. Ignored when `connection` is given. */
  servers?: string | string[];
  /**
   * Prepended to every subject, e.g. `prod.` gives `prod.member.added`.
   * A missing trailing dot is added. Default: no prefix.
   */
  subjectPrefix?: string;
  /**
   * An already open connection to publish on. The publisher never closes a
   * connection it did not open.
   */
  connection?: NatsConnection;
  /** Extra options for `connect()` of the `nats` package (auth, tls, name, ...). */
  connectOptions?: Omit<ConnectionOptions, "servers">;
  /**
   * How long a publish waits for the server to acknowledge the flush before
   * giving up (the event may still go out later). Default 2000 ms.
   */
  flushTimeoutMs?: number;
  /**
   * Delay between attempts while the first connection cannot be made.
   * Once connected, the `nats` client reconnects on its own. Default 2000 ms.
   */
  retryDelayMs?: number;
  /** Upper bound for draining the connection in `close()`. Default 2000 ms. */
  closeTimeoutMs?: number;
  /** Where failures are reported. Default: `console` with a `[better-auth-nats]` tag. */
  logger?: PublisherLogger;
}

export interface PublisherStats {
  /** Published and confirmed by the server (flush completed). */
  published: number;
  /**
   * Handed to the client but not confirmed within `flushTimeoutMs` (server
   * unreachable): the client keeps them in its reconnect buffer and sends them
   * if it reconnects before being closed, so they may or may not arrive.
   */
  unconfirmed: number;
  /** Not published at all (no connection, closed publisher, serialization error). */
  failed: number;
}

export interface NatsPublisher {
  /** The normalized prefix (`""` or ending with `.`). */
  readonly subjectPrefix: string;
  /**
   * Publishes one event and flushes. Never throws: failures are logged and
   * counted, and `false` is returned.
   */
  publish<S extends EventSubject>(subject: S, fields: EventFields[S], occurredAt?: number): Promise<boolean>;
  /** True while a connection is open (it may be reconnecting). */
  isConnected(): boolean;
  stats(): PublisherStats;
  /**
   * Stops reconnect attempts and, if the publisher opened the connection,
   * drains and closes it (bounded by `closeTimeoutMs`, then closed hard).
   */
  close(): Promise<void>;
}

const defaultLogger: PublisherLogger = {
  error: (message, ...args) => console.error(`[better-auth-nats] ${message}`, ...args),
  warn: (message, ...args) => console.warn(`[better-auth-nats] ${message}`, ...args),
  info: (message, ...args) => console.info(`[better-auth-nats] ${message}`, ...args),
  debug: () => {},
};

export function normalizeSubjectPrefix(prefix: string | undefined): string {
  const p = (prefix ?? "").trim();
  if (p === "") return "";
  return p.endsWith(".") ? p : `${p}.`;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return code ? `${err.message} (${String(code)})` : err.message;
  }
  return String(err);
}

/**
 * Creates a publisher. Resolves after the first connection attempt, whether it
 * succeeded or not: if NATS is unreachable the failure is logged, attempts go
 * on in the background, and events published meanwhile are dropped (logged and
 * counted as `failed`). Once connected, the `nats` client reconnects by itself;
 * events published while it is disconnected go to its reconnect buffer without
 * waiting (logged, counted as `unconfirmed`). Better Auth requests are never
 * failed by NATS, and wait at most `flushTimeoutMs` per event.
 */
export async function createNatsPublisher(options: NatsPublisherOptions = {}): Promise<NatsPublisher> {
  const logger = options.logger ?? defaultLogger;
  const subjectPrefix = normalizeSubjectPrefix(options.subjectPrefix);
  const flushTimeoutMs = options.flushTimeoutMs ?? 2000;
  const retryDelayMs = options.retryDelayMs ?? 2000;
  const servers = options.servers ?? "nats://127.0.0.1:4222";
  const owned = !options.connection;
  const closeTimeoutMs = options.closeTimeoutMs ?? 2000;
  const stats: PublisherStats = { published: 0, unconfirmed: 0, failed: 0 };

  let nc: NatsConnection | undefined = options.connection;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;
  /** False between a `disconnect` and a `reconnect` status of the current connection. */
  let linkUp = true;

  const watch = (conn: NatsConnection) => {
    linkUp = true;
    void (async () => {
      for await (const status of conn.status()) {
        if (closed || nc !== conn) break;
        if (status.type === "disconnect") {
          linkUp = false;
          logger.warn(`disconnected from NATS (${String(status.data)}); the client is reconnecting`);
        } else if (status.type === "reconnect") {
          linkUp = true;
          logger.info?.(`reconnected to NATS (${String(status.data)})`);
        }
      }
    })().catch(() => {});
  };

  const attempt = async (): Promise<void> => {
    if (closed || nc) return;
    try {
      const conn = await connect({
        name: "better-auth-nats",
        maxReconnectAttempts: -1,
        ...options.connectOptions,
        servers,
      });
      if (closed) {
        await conn.close().catch(() => {});
        return;
      }
      nc = conn;
      logger.info?.(`connected to NATS at ${conn.getServer()}`);
      watch(conn);
      void conn.closed().then((err) => {
        if (nc === conn) nc = undefined;
        if (!closed) {
          logger.error(`NATS connection closed${err ? `: ${describe(err)}` : ""}; connecting again`);
          schedule();
        }
      });
    } catch (err) {
      logger.error(`cannot connect to NATS (${String(servers)}): ${describe(err)}; retrying in ${retryDelayMs} ms`);
      schedule();
    }
  };
  const schedule = () => {
    if (closed || !owned || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void attempt();
    }, retryDelayMs);
    retryTimer.unref();
  };

  if (owned) await attempt();
  else if (nc) watch(nc);

  return {
    subjectPrefix,
    isConnected: () => !!nc && !nc.isClosed(),
    stats: () => ({ ...stats }),
    async publish(subject, fields, occurredAt) {
      const fullSubject = subjectPrefix + subject;
      const log = (message: string) => {
        try {
          logger.error(message);
        } catch {
          // a broken logger must not break the request either
        }
      };
      const conn = nc;
      try {
        if (closed) throw new Error("publisher is closed");
        if (!conn || conn.isClosed()) throw new Error("not connected to NATS");
        const payload = {
          eventId: randomUUID(),
          ...fields,
          occurredAt: occurredAt ?? Date.now(),
        } as EventPayload<typeof subject>;
        conn.publish(fullSubject, Buffer.from(JSON.stringify(payload)));
      } catch (err) {
        stats.failed++;
        log(`failed to publish ${fullSubject} ${JSON.stringify(fields)}: ${describe(err)}`);
        return false;
      }
      try {
        // while the link is down a flush could only time out: do not make the request wait
        if (!linkUp) throw new Error("NATS is disconnected");
        await withTimeout(conn.flush(), flushTimeoutMs, "NATS flush");
      } catch (err) {
        stats.unconfirmed++;
        log(
          `published ${fullSubject} ${JSON.stringify(fields)} but NATS did not confirm it: ${describe(err)}; ` +
            "it stays in the client's reconnect buffer and may still be delivered",
        );
        return false;
      }
      stats.published++;
      logger.debug?.(`published ${fullSubject}`);
      return true;
    },
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = undefined;
      const conn = nc;
      nc = undefined;
      if (owned && conn && !conn.isClosed()) {
        // drain() waits for the server; while NATS is unreachable it would wait
        // (and the client would keep dialling) forever, so bound it and close hard.
        await withTimeout(conn.drain(), closeTimeoutMs, "NATS drain").catch(() => {});
        if (!conn.isClosed()) await conn.close().catch(() => {});
      }
    },
  };
}
