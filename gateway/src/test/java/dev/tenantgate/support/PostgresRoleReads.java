package dev.tenantgate.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The role reads a gateway sends to PostgreSQL, counted on the wire: attached to a {@link TcpProxy} in front of
 * PostgreSQL, it follows each connection's frontend messages (protocol 3.0) and records every executed statement
 * that reads the users or the members table, with the key it reads ({@code user:<id>},
 * {@code member:<userId>:<orgId>}; a statement reading both records both). It depends on nothing inside the gateway,
 * so it counts the same way whatever the gateway's tiers look like.
 * <p>
 * A statement on those tables whose parameters it cannot map to keys is recorded as {@code unclassified:<sql>}, so
 * a new query shape shows up in the counts rather than going uncounted. A connection that switches to TLS cannot be
 * read, and is counted in {@link #unreadableConnections()}.
 */
public final class PostgresRoleReads implements Supplier<Consumer<byte[]>> {

	private static final int PROTOCOL_3 = 196608;

	private final String usersTable;

	private final String membersTable;

	private final Queue<Read> reads = new ConcurrentLinkedQueue<>();

	private final Queue<String> unreadable = new ConcurrentLinkedQueue<>();

	/** Counts reads of {@code usersTable} and {@code membersTable} (unquoted names, as mapped). */
	public PostgresRoleReads(String usersTable, String membersTable) {
		this.usersTable = '"' + usersTable.toLowerCase(Locale.ROOT) + '"';
		this.membersTable = '"' + membersTable.toLowerCase(Locale.ROOT) + '"';
	}

	/** Attaches a counter to every new connection through {@code proxy}. */
	public static PostgresRoleReads attach(TcpProxy proxy, String usersTable, String membersTable) {
		PostgresRoleReads counter = new PostgresRoleReads(usersTable, membersTable);
		proxy.observeRequests(counter);
		return counter;
	}

	@Override
	public Consumer<byte[]> get() {
		return new Connection()::accept;
	}

	/** Reads per key, of the statements sent at or after {@code nanos} ({@link System#nanoTime()}). */
	public Map<String, Integer> perKeySince(long nanos) {
		Map<String, Integer> counts = new TreeMap<>();
		for (Read read : this.reads) {
			if (read.nanos() - nanos >= 0) {
				counts.merge(read.key(), 1, Integer::sum);
			}
		}
		return counts;
	}

	/** Reads of statements sent in {@code [from, to)}. */
	public int between(long from, long to) {
		int count = 0;
		for (Read read : this.reads) {
			if (read.nanos() - from >= 0 && read.nanos() - to < 0) {
				count++;
			}
		}
		return count;
	}

	/** Connections whose messages could not be followed (TLS, or bytes that are not the protocol). */
	public List<String> unreadableConnections() {
		return List.copyOf(this.unreadable);
	}

	/** One key read by one executed statement, at the time its Bind message passed the proxy. */
	public record Read(long nanos, String key) {
	}

	/** The parser of one connection's frontend messages; bytes arrive in order, in chunks of any size. */
	private final class Connection {

		private byte[] buffer = new byte[0];

		private boolean started;

		private boolean lost;

		private final Map<String, String> statements = new HashMap<>();

		void accept(byte[] bytes) {
			if (this.lost) {
				return;
			}
			byte[] joined = new byte[this.buffer.length + bytes.length];
			System.arraycopy(this.buffer, 0, joined, 0, this.buffer.length);
			System.arraycopy(bytes, 0, joined, this.buffer.length, bytes.length);
			int at = 0;
			while (!this.lost) {
				int consumed = this.started ? message(joined, at) : startup(joined, at);
				if (consumed == 0) {
					break;
				}
				at += consumed;
			}
			this.buffer = java.util.Arrays.copyOfRange(joined, at, joined.length);
		}

		// Startup, SSLRequest, GSSENCRequest and CancelRequest carry no type byte: length, then a code.
		private int startup(byte[] data, int at) {
			if (data.length - at < 8) {
				return 0;
			}
			int length = int32(data, at);
			if (length < 8 || length > 10_000) {
				lose("not a startup message (length " + length + ")");
				return 0;
			}
			if (data.length - at < length) {
				return 0;
			}
			int code = int32(data, at + 4);
			if (code == PROTOCOL_3) {
				this.started = true;
			}
			return length;
		}

		private int message(byte[] data, int at) {
			if (data.length - at < 5) {
				return 0;
			}
			char type = (char) data[at];
			int length = int32(data, at + 1);
			if (length < 4) {
				lose("message '" + type + "' of length " + length);
				return 0;
			}
			if (data.length - at < length + 1) {
				return 0;
			}
			int body = at + 5;
			if (type == 'P') {
				parse(data, body);
			}
			else if (type == 'B') {
				bind(data, body);
			}
			return length + 1;
		}

		// Parse: statement name, query text, parameter types.
		private void parse(byte[] data, int at) {
			int nameEnd = cstringEnd(data, at);
			int queryEnd = cstringEnd(data, nameEnd + 1);
			this.statements.put(string(data, at, nameEnd), string(data, nameEnd + 1, queryEnd));
		}

		// Bind: portal, statement, parameter format codes, parameter values, result format codes.
		private void bind(byte[] data, int at) {
			long now = System.nanoTime();
			int portalEnd = cstringEnd(data, at);
			int statementEnd = cstringEnd(data, portalEnd + 1);
			String sql = this.statements.get(string(data, portalEnd + 1, statementEnd));
			if (sql == null) {
				return;
			}
			String lower = sql.toLowerCase(Locale.ROOT);
			boolean users = lower.contains("from " + PostgresRoleReads.this.usersTable);
			boolean members = lower.contains("from " + PostgresRoleReads.this.membersTable);
			if (!users && !members) {
				return;
			}
			int cursor = statementEnd + 1;
			int formats = int16(data, cursor);
			cursor += 2 + 2 * formats;
			int count = int16(data, cursor);
			cursor += 2;
			List<String> values = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				int length = int32(data, cursor);
				cursor += 4;
				values.add((length < 0) ? null : string(data, cursor, cursor + length));
				cursor += Math.max(length, 0);
			}
			for (String key : keys(users, members, values, sql)) {
				PostgresRoleReads.this.reads.add(new Read(now, key));
			}
		}

		private List<String> keys(boolean users, boolean members, List<String> values, String sql) {
			boolean plain = values.stream().allMatch((value) -> value != null && Identifiers.plain(value));
			if (plain && users && !members && values.size() == 1) {
				return List.of("user:" + values.get(0));
			}
			if (plain && members && values.size() == 2) {
				String member = "member:" + values.get(0) + ":" + values.get(1);
				return users ? List.of("user:" + values.get(0), member) : List.of(member);
			}
			return List.of("unclassified:" + sql);
		}

		private void lose(String why) {
			this.lost = true;
			PostgresRoleReads.this.unreadable.add(why);
		}

	}

	/** Ids as the gateway accepts them, so a binary or array parameter is never mistaken for one. */
	private static final class Identifiers {

		static boolean plain(String value) {
			return value.matches("[A-Za-z0-9_-]{1,128}");
		}

	}

	private static int cstringEnd(byte[] data, int at) {
		int end = at;
		while (data[end] != 0) {
			end++;
		}
		return end;
	}

	private static String string(byte[] data, int from, int to) {
		return new String(data, from, to - from, StandardCharsets.UTF_8);
	}

	private static int int32(byte[] data, int at) {
		return ((data[at] & 0xff) << 24) | ((data[at + 1] & 0xff) << 16) | ((data[at + 2] & 0xff) << 8)
				| (data[at + 3] & 0xff);
	}

	private static int int16(byte[] data, int at) {
		return ((data[at] & 0xff) << 8) | (data[at + 1] & 0xff);
	}

}
