package dev.tenantgate.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.support.Netty4HeadersAdapter;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ResponseHopByHopHeadersFilter} removes what Spring Cloud Gateway's {@link RemoveHopByHopHeadersFilter}
 * removes, with the default and with configured names, and runs on responses only.
 */
class ResponseHopByHopHeadersFilterTests {

	private static final ServerWebExchange EXCHANGE = MockServerWebExchange.from(MockServerHttpRequest.get("/"));

	/** Names in several spellings: hop-by-hop, end-to-end, and some that only a Connection header makes hop-by-hop. */
	private static final List<String> NAMES = List.of("Connection", "connection", "Keep-Alive", "keep-alive",
			"Transfer-Encoding", "TE", "te", "Trailer", "Proxy-Authorization", "Proxy-Authenticate",
			"X-Application-Context", "Upgrade", "Proxy-Connection", "Content-Type", "Content-Length", "Date", "Server",
			"Set-Cookie", "set-cookie", "Cache-Control", "X-Trace", "x-trace", "X-Secret", "ETag");

	@Property(tries = 2000)
	void removesWhatTheGatewaysFilterRemoves(@ForAll("responses") List<Tuple.Tuple2<String, String>> headers,
			@ForAll boolean configured) {
		RemoveHopByHopHeadersFilter framework = new RemoveHopByHopHeadersFilter();
		ResponseHopByHopHeadersFilter filter = new ResponseHopByHopHeadersFilter();
		if (configured) {
			framework.setHeaders(Set.of("Connection", "X-Secret", "keep-alive"));
			filter.setHeaders(Set.of("Connection", "X-Secret", "keep-alive"));
		}
		HttpHeaders input = new HttpHeaders();
		headers.forEach((header) -> input.add(header.get1(), header.get2()));

		HttpHeaders expected = framework.filter(input, EXCHANGE);
		HttpHeaders actual = filter.filter(input, EXCHANGE);

		assertThat(lowercased(actual)).isEqualTo(lowercased(expected));
	}

	@Provide
	Arbitrary<List<Tuple.Tuple2<String, String>>> responses() {
		Arbitrary<String> names = Arbitraries.of(NAMES);
		Arbitrary<String> connection = Arbitraries.of(NAMES).list().ofMaxSize(3).map((list) -> String.join(", ", list));
		Arbitrary<String> values = Arbitraries.of("1", "keep-alive", "close", "a, b", "x");
		Arbitrary<Tuple.Tuple2<String, String>> plain = Arbitraries.entries(names, values)
			.map((entry) -> Tuple.of(entry.getKey(), entry.getValue()));
		Arbitrary<Tuple.Tuple2<String, String>> header = Arbitraries.frequencyOf(Tuple.of(4, plain),
				Tuple.of(1, connection.map((value) -> Tuple.of("Connection", value))));
		return header.list().ofMaxSize(10);
	}

	@Example
	void aResponseFromTheServersHeaderStoreIsCopiedOnceWithEveryValue() {
		DefaultHttpHeaders netty = new DefaultHttpHeaders();
		netty.add("Set-Cookie", "a=1");
		netty.add("set-cookie", "b=2");
		netty.add("Keep-Alive", "timeout=5");
		netty.add("Connection", "keep-alive, X-Internal");
		netty.add("X-Internal", "secret");
		netty.add("Content-Length", "12");
		HttpHeaders input = new HttpHeaders(new Netty4HeadersAdapter(netty));

		HttpHeaders output = new ResponseHopByHopHeadersFilter().filter(input, EXCHANGE);

		assertThat(output.headerNames()).containsExactlyInAnyOrder("Set-Cookie", "Content-Length");
		assertThat(output.get("set-cookie")).containsExactly("a=1", "b=2");
	}

	@Example
	void aResponseWithNothingToRemoveIsPassedOnAsItIs() {
		HttpHeaders input = new HttpHeaders();
		input.add("Content-Type", "text/plain");
		input.add("Content-Length", "12");

		assertThat(new ResponseHopByHopHeadersFilter().filter(input, EXCHANGE)).isSameAs(input);
	}

	@Example
	void runsOnResponsesOnly() {
		ResponseHopByHopHeadersFilter filter = new ResponseHopByHopHeadersFilter();

		assertThat(filter.supports(HttpHeadersFilter.Type.RESPONSE)).isTrue();
		assertThat(filter.supports(HttpHeadersFilter.Type.REQUEST)).isFalse();
	}

	/** Each name lowercased, with its values in order (both filters keep the first spelling of a name). */
	private static Map<String, List<String>> lowercased(HttpHeaders headers) {
		Map<String, List<String>> byName = new TreeMap<>();
		for (String name : headers.headerNames()) {
			byName.put(name.toLowerCase(Locale.ROOT), new ArrayList<>(headers.get(name)));
		}
		return byName;
	}

}
