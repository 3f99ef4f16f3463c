package dev.tenantgate.support;

import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import reactor.core.Fuseable;
import reactor.core.publisher.Mono;

/**
 * {@code flatMap}, {@code map} and error handling that run at once when their source is already a value, an error or
 * empty ({@code Mono.just}, {@code Mono.error}, {@code Mono.empty}), and fall back to the Reactor operator otherwise.
 * <p>
 * A warm request is answered entirely from memory: a cached token, a cached user, a trusted claim. Chained with the
 * plain operators, each step would still cost a subscriber, a subscription and four signals; chained with these, the
 * whole decision is plain method calls and the result is again a scalar {@code Mono}. This is the assembly-time
 * shortcut Reactor itself takes for scalar sources ({@code FluxFlatMap.trySubscribeScalarMap}), applied to a whole
 * chain. A request that needs Redis or PostgreSQL gets the ordinary operators from the first step that does.
 */
public final class ScalarMono {

	private ScalarMono() {
	}

	/** Like {@code source.flatMap(mapper)}. */
	public static <T, R> Mono<R> flatMap(Mono<T> source, Function<? super T, ? extends Mono<? extends R>> mapper) {
		if (!isScalar(source)) {
			return source.flatMap(mapper);
		}
		T value;
		try {
			value = scalarValue(source);
		}
		catch (Exception ex) {
			return Mono.error(ex);
		}
		if (value == null) {
			return Mono.empty();
		}
		try {
			return narrow(mapper.apply(value));
		}
		catch (RuntimeException ex) {
			return Mono.error(ex);
		}
	}

	/** Like {@code source.map(mapper)}. */
	public static <T, R> Mono<R> map(Mono<T> source, Function<? super T, ? extends R> mapper) {
		if (!isScalar(source)) {
			return source.map(mapper);
		}
		return flatMap(source, (value) -> Mono.just(mapper.apply(value)));
	}

	/**
	 * {@code onValue} for the value, {@code onError} for an error of type {@code errorType}. Unlike
	 * {@code source.flatMap(onValue).onErrorResume(...)}, an error from the Mono that {@code onValue} returns is not
	 * passed to {@code onError}.
	 */
	public static <T, E extends Throwable, R> Mono<R> handle(Mono<T> source,
			Function<? super T, ? extends Mono<R>> onValue, Class<E> errorType,
			Function<? super E, ? extends Mono<R>> onError) {
		if (!isScalar(source)) {
			return source.<Mono<R>>map(onValue)
				.onErrorResume(errorType, (ex) -> Mono.just(onError.apply(ex)))
				.flatMap(Function.identity());
		}
		T value;
		try {
			value = scalarValue(source);
		}
		catch (Exception ex) {
			return errorType.isInstance(ex) ? onError.apply(errorType.cast(ex)) : Mono.error(ex);
		}
		return (value != null) ? onValue.apply(value) : Mono.empty();
	}

	/** Whether {@code source} is already a value, an error or empty: chaining it costs no operator. */
	public static boolean isScalar(Mono<?> source) {
		return source instanceof Fuseable.ScalarCallable<?>;
	}

	@SuppressWarnings("unchecked")
	private static <T> @Nullable T scalarValue(Mono<T> source) throws Exception {
		return ((Fuseable.ScalarCallable<T>) source).call();
	}

	@SuppressWarnings("unchecked")
	private static <R> Mono<R> narrow(Mono<? extends R> mono) {
		return (Mono<R>) mono;
	}

}
