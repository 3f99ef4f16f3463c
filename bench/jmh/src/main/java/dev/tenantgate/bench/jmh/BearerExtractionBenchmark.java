package dev.tenantgate.bench.jmh;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import dev.tenantgate.token.BearerTokenExtractor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

/**
 * Reading the bearer token of a request: {@code current*} is the gateway's {@link BearerTokenExtractor} as built
 * (a case-insensitive regular expression over the whole header until commit 5c522b1, a hand-written check since),
 * {@code caseSensitivePattern*} and {@code loop*} are alternatives with the same result: the same character class
 * without {@code CASE_INSENSITIVE} over the token only, and a plain loop over the characters. The tokens are Better
 * Auth-shaped EdDSA (≈ 640 characters) and RS256 (≈ 900).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BearerExtractionBenchmark {

	private static final Pattern TOKEN = Pattern.compile("[a-zA-Z0-9-._~+/]+=*");

	private final BearerTokenExtractor extractor = new BearerTokenExtractor(8192);

	private ServerHttpRequest eddsa;

	private ServerHttpRequest rs256;

	@Setup
	public void setUp() {
		BenchTokens tokens = new BenchTokens();
		String token = tokens.eddsa(BenchTokens.id("user", 1), BenchTokens.id("org", 1), "admin");
		tokens.close();
		this.eddsa = request(token);
		// An RS256 token is ≈ 260 characters longer: its signature is 342 base64url characters instead of 86.
		this.rs256 = request(token.substring(0, token.lastIndexOf('.') + 1) + "A".repeat(342));
	}

	@Benchmark
	public String currentEddsa() {
		return this.extractor.extract(this.eddsa);
	}

	@Benchmark
	public String currentRs256() {
		return this.extractor.extract(this.rs256);
	}

	@Benchmark
	public String caseSensitivePatternEddsa() {
		return caseSensitivePattern(this.eddsa);
	}

	@Benchmark
	public String loopEddsa() {
		return loop(this.eddsa);
	}

	@Benchmark
	public String loopRs256() {
		return loop(this.rs256);
	}

	private static ServerHttpRequest request(String token) {
		return MockServerHttpRequest.get("/api/orgs/o/orders/1").header(HttpHeaders.AUTHORIZATION, "Bearer " + token).build();
	}

	/** The prefix compared ignoring case, then the same character class, case-sensitively, over the token only. */
	static String caseSensitivePattern(ServerHttpRequest request) {
		String header = single(request);
		String token = header.substring(7);
		if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || !TOKEN.matcher(token).matches()) {
			throw new IllegalArgumentException("malformed");
		}
		return token;
	}

	/** RFC 6750 §2.1 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=", checked in one pass. */
	static String loop(ServerHttpRequest request) {
		String header = single(request);
		if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
			throw new IllegalArgumentException("malformed");
		}
		int end = header.length();
		while (end > 7 && header.charAt(end - 1) == '=') {
			end--;
		}
		if (end == 7) {
			throw new IllegalArgumentException("malformed");
		}
		for (int i = 7; i < end; i++) {
			char c = header.charAt(i);
			boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
					|| c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
			if (!ok) {
				throw new IllegalArgumentException("malformed");
			}
		}
		return header.substring(7);
	}

	private static String single(ServerHttpRequest request) {
		List<String> values = request.getHeaders().getOrEmpty(HttpHeaders.AUTHORIZATION);
		if (values.size() != 1) {
			throw new IllegalArgumentException("missing or repeated");
		}
		return values.get(0);
	}

}
