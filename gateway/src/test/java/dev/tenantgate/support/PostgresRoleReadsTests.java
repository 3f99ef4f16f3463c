package dev.tenantgate.support;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wire counter behind the churn tests' PostgreSQL reads per key, fed the frontend messages a PostgreSQL client
 * sends (protocol 3.0), in pieces of any size.
 */
class PostgresRoleReadsTests {

	static final String MEMBERSHIP = "SELECT \"role\" FROM \"members\" WHERE \"user_id\" = $1 AND \"organization_id\" = $2";

	static final String USER = "SELECT \"role\", \"banned\", \"ban_expires\" FROM \"users\" WHERE \"id\" = $1";

	static final String BOTH = "SELECT \"role\", \"banned\", \"ban_expires\", NULL, true FROM \"users\" WHERE \"id\" = $1"
			+ " UNION ALL SELECT NULL, NULL, NULL, \"role\", false FROM \"members\" WHERE \"user_id\" = $1 AND"
			+ " \"organization_id\" = $2";

	final PostgresRoleReads reads = new PostgresRoleReads("users", "members");

	@Test
	void perKeySinceWhenMessagesArriveByteByByteThenEveryExecutionOfANamedStatementCounts() {
		byte[] wire = concat(startup(), parse("S_0", MEMBERSHIP), bind("S_0", "u1", "o1"), execute(),
				bind("S_0", "u1", "o1"), execute(), bind("S_0", "u2", "o1"), execute(), sync());
		Consumer<byte[]> connection = this.reads.get();
		for (byte b : wire) {
			connection.accept(new byte[] { b });
		}
		assertThat(this.reads.perKeySince(0)).isEqualTo(Map.of("member:u1:o1", 2, "member:u2:o1", 1));
	}

	@Test
	void perKeySinceWhenUserAndMembershipAreReadTogetherThenBothKeysCount() {
		this.reads.get()
			.accept(concat(startup(), parse("", USER), bind("", "u1"), parse("", BOTH), bind("", "u2", "o2"), sync()));
		assertThat(this.reads.perKeySince(0))
			.isEqualTo(Map.of("user:u1", 1, "user:u2", 1, "member:u2:o2", 1));
	}

	@Test
	void perKeySinceWhenAStatementReadsOtherTablesOrBindsSomethingElseThenItIsIgnoredOrUnclassified() {
		String list = "SELECT \"role\" FROM \"members\" WHERE \"user_id\" = ANY($1)";
		this.reads.get()
			.accept(concat(startup(), parse("a", "SELECT column_name FROM information_schema.columns WHERE x = $1"),
					bind("a", "members"), parse("b", list), bind("b", "{u1,u2}"), sync()));
		assertThat(this.reads.perKeySince(0)).isEqualTo(Map.of("unclassified:" + list, 1));
	}

	@Test
	void perKeySinceCountsOnlyBindsSentFromThen() {
		Consumer<byte[]> connection = this.reads.get();
		connection.accept(concat(startup(), parse("S_0", USER), bind("S_0", "u1")));
		long from = System.nanoTime();
		connection.accept(bind("S_0", "u2"));
		assertThat(this.reads.perKeySince(from)).isEqualTo(Map.of("user:u2", 1));
		assertThat(this.reads.between(0, from)).isEqualTo(1);
	}

	@Test
	void unreadableConnectionsWhenTheClientSwitchesToTlsThenNamesIt() {
		ByteBuffer sslRequest = ByteBuffer.allocate(8).putInt(8).putInt(80877103);
		this.reads.get().accept(concat(sslRequest.array(), new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01 }));
		assertThat(this.reads.unreadableConnections()).hasSize(1);
		assertThat(this.reads.perKeySince(0)).isEmpty();
	}

	static byte[] startup() {
		byte[] parameters = "user\0postgres\0database\0test\0\0".getBytes(StandardCharsets.UTF_8);
		return ByteBuffer.allocate(8 + parameters.length).putInt(8 + parameters.length).putInt(196608).put(parameters)
			.array();
	}

	static byte[] parse(String name, String sql) {
		return message('P', cstring(name), cstring(sql), new byte[] { 0, 0 });
	}

	static byte[] bind(String statement, String... values) {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		body.writeBytes(cstring(""));
		body.writeBytes(cstring(statement));
		body.writeBytes(new byte[] { 0, 1, 0, 0 }); // one format code: text
		body.writeBytes(new byte[] { 0, (byte) values.length });
		for (String value : values) {
			byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
			body.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
			body.writeBytes(bytes);
		}
		body.writeBytes(new byte[] { 0, 0 });
		return message('B', body.toByteArray());
	}

	static byte[] execute() {
		return message('E', cstring(""), new byte[] { 0, 0, 0, 0 });
	}

	static byte[] sync() {
		return message('S');
	}

	static byte[] message(char type, byte[]... parts) {
		byte[] body = concat(parts);
		return ByteBuffer.allocate(5 + body.length).put((byte) type).putInt(4 + body.length).put(body).array();
	}

	static byte[] cstring(String value) {
		return (value + "\0").getBytes(StandardCharsets.UTF_8);
	}

	static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

}
