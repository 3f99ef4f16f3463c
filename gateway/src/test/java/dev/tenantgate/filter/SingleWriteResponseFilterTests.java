package dev.tenantgate.filter;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

class SingleWriteResponseFilterTests {

	private final MockServerHttpResponse client = new MockServerHttpResponse();

	private final RecordingResponse recording = new RecordingResponse(this.client);

	@Test
	void smallBodyWithALengthIsHandedOnAsOneBuffer() {
		this.recording.getHeaders().setContentLength(10);
		Flux<DataBuffer> body = Flux.just(buffer("hello"), buffer("world"));

		new SingleWriteResponseFilter.SingleWriteResponse(this.recording, 16).writeWith(body).block();

		assertThat(this.recording.written).isInstanceOf(Mono.class);
		assertThat(this.client.getBodyAsString().block()).isEqualTo("helloworld");
	}

	@Test
	void bodyAtTheLimitIsHandedOnAsOneBuffer() {
		this.recording.getHeaders().setContentLength(16);

		new SingleWriteResponseFilter.SingleWriteResponse(this.recording, 16)
			.writeWith(Flux.just(buffer("0123456789"), buffer("abcdef")))
			.block();

		assertThat(this.recording.written).isInstanceOf(Mono.class);
		assertThat(this.client.getBodyAsString().block()).isEqualTo("0123456789abcdef");
	}

	@Test
	void bodyLargerThanTheLimitIsStreamed() {
		this.recording.getHeaders().setContentLength(17);
		Flux<DataBuffer> body = Flux.just(buffer("0123456789"), buffer("abcdefg"));

		new SingleWriteResponseFilter.SingleWriteResponse(this.recording, 16).writeWith(body).block();

		assertThat(this.recording.written).isSameAs(body);
		assertThat(this.client.getBodyAsString().block()).isEqualTo("0123456789abcdefg");
	}

	@Test
	void bodyWithoutALengthIsStreamed() {
		Flux<DataBuffer> body = Flux.just(buffer("chunk"), buffer("ed"));

		new SingleWriteResponseFilter.SingleWriteResponse(this.recording, 16).writeWith(body).block();

		assertThat(this.recording.written).isSameAs(body);
		assertThat(this.client.getBodyAsString().block()).isEqualTo("chunked");
	}

	@Test
	void emptyBodyWithALengthOfZeroWritesNoBody() {
		this.recording.getHeaders().setContentLength(0);

		new SingleWriteResponseFilter.SingleWriteResponse(this.recording, 16).writeWith(Flux.empty()).block();
		this.recording.setComplete().block();

		assertThat(this.client.isCommitted()).isTrue();
		assertThat(this.client.getBodyAsString().block()).isNullOrEmpty();
	}

	@Test
	void filterDecoratesTheResponseTheWriteFilterWillSee() {
		ServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/x"));
		AtomicReference<ServerWebExchange> passedOn = new AtomicReference<>();

		new SingleWriteResponseFilter(16).filter(exchange, (next) -> {
			passedOn.set(next);
			return Mono.empty();
		}).block();

		assertThat(passedOn.get().getResponse()).isInstanceOf(SingleWriteResponseFilter.SingleWriteResponse.class);
		assertThat(passedOn.get().getRequest()).isSameAs(exchange.getRequest());
	}

	@Test
	void filterWithALimitOfZeroLeavesTheExchangeAlone() {
		ServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/x"));
		AtomicReference<ServerWebExchange> passedOn = new AtomicReference<>();

		new SingleWriteResponseFilter(0).filter(exchange, (next) -> {
			passedOn.set(next);
			return Mono.empty();
		}).block();

		assertThat(passedOn.get()).isSameAs(exchange);
	}

	private static DataBuffer buffer(String text) {
		return DefaultDataBufferFactory.sharedInstance.wrap(text.getBytes(StandardCharsets.US_ASCII));
	}

	/** The response the filter writes to: records what it was handed, and writes it on to a mock client. */
	static final class RecordingResponse extends ServerHttpResponseDecorator {

		Publisher<? extends DataBuffer> written;

		RecordingResponse(ServerHttpResponse delegate) {
			super(delegate);
		}

		@Override
		public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
			this.written = body;
			return super.writeWith(body);
		}

	}

}
