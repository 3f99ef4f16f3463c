package dev.tenantgate.filter;

import org.reactivestreams.Publisher;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Sends a small downstream response to the client in one write. Spring Cloud Gateway streams every response body to
 * the client ({@link NettyWriteResponseFilter}), so the headers go out in one write and the body in another: two
 * system calls, and two wake-ups of the client, for a response that fits in one packet. A response that declares a
 * {@code Content-Length} of at most {@code maxBytes} is collected first (its bytes have usually all arrived with its
 * headers) and written with the headers at once. Larger responses, responses without a length (chunked) and
 * streaming media types (written with {@code writeAndFlushWith}) are streamed as before.
 */
public final class SingleWriteResponseFilter implements GlobalFilter, Ordered {

	/** Right before {@link NettyWriteResponseFilter}, so its response is the outermost one that filter writes to. */
	public static final int ORDER = NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 1;

	private final int maxBytes;

	/**
	 * @param maxBytes the largest {@code Content-Length} collected into one write; 0 streams every response
	 */
	public SingleWriteResponseFilter(int maxBytes) {
		this.maxBytes = maxBytes;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		if (this.maxBytes == 0) {
			return chain.filter(exchange);
		}
		ServerHttpResponse response = new SingleWriteResponse(exchange.getResponse(), this.maxBytes);
		return chain.filter(exchange.mutate().response(response).build());
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	static final class SingleWriteResponse extends ServerHttpResponseDecorator {

		private final int maxBytes;

		SingleWriteResponse(ServerHttpResponse delegate, int maxBytes) {
			super(delegate);
			this.maxBytes = maxBytes;
		}

		@Override
		public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
			long length = getHeaders().getContentLength();
			if (body instanceof Mono || length < 0 || length > this.maxBytes) {
				return super.writeWith(body);
			}
			// A Mono body is written as one full response (headers and body) by Spring and Reactor Netty.
			return super.writeWith(DataBufferUtils.join(body, this.maxBytes));
		}

	}

}
