package dev.tenantgate.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * A fixed number of requests always in flight against a running gateway: each of {@code inFlight} lanes sends its
 * next request as soon as the previous one is answered, taking the cases in turn from a list that can be swapped
 * while it runs. Every answer is kept with the time its request was sent and answered ({@link System#nanoTime()}),
 * so a test can judge each answer by the phase it belongs to.
 */
final class ChurnLoad<C extends ChurnLoad.Case> {

	private static final Pattern CODE = Pattern.compile("\"code\":\"([a-z_]+)\"");

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

	private final ExecutorService callbacks = Executors.newFixedThreadPool(4, (task) -> {
		Thread thread = new Thread(task, "churn-load");
		thread.setDaemon(true);
		return thread;
	});

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.executor(this.callbacks)
		.build();

	private final int port;

	private final int inFlight;

	private final Queue<Result<C>> results = new ConcurrentLinkedQueue<>();

	private final AtomicLong next = new AtomicLong();

	private final AtomicInteger running = new AtomicInteger();

	private volatile List<C> cases = List.of();

	private volatile boolean stopping;

	ChurnLoad(int port, int inFlight) {
		this.port = port;
		this.inFlight = inFlight;
	}

	/** Starts every lane on {@code cases}. */
	void start(List<C> cases) {
		use(cases);
		for (int lane = 0; lane < this.inFlight; lane++) {
			this.running.incrementAndGet();
			sendNext();
		}
	}

	/** From now on, requests are taken from {@code cases}. */
	void use(List<C> cases) {
		this.cases = List.copyOf(cases);
	}

	/** Lets the load run until {@code deadline} ({@link System#nanoTime()}): the length of a phase. */
	static void until(long deadline) {
		long left;
		while ((left = deadline - System.nanoTime()) > 0) {
			try {
				TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/** Stops sending, waits for the requests in flight, and returns every answer. */
	List<Result<C>> stop() {
		this.stopping = true;
		await().atMost(REQUEST_TIMEOUT.plusSeconds(5)).until(() -> this.running.get() == 0);
		this.callbacks.shutdown();
		return new ArrayList<>(this.results);
	}

	private void sendNext() {
		if (this.stopping) {
			this.running.decrementAndGet();
			return;
		}
		List<C> current = this.cases;
		C item = current.get((int) (this.next.getAndIncrement() % current.size()));
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.port + item.path()))
			.timeout(REQUEST_TIMEOUT)
			.method(item.method(), HttpRequest.BodyPublishers.noBody());
		if (item.token() != null) {
			request.header("Authorization", "Bearer " + item.token());
		}
		long sentAt = System.nanoTime();
		this.http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
			.whenCompleteAsync((response, failure) -> {
				long answeredAt = System.nanoTime();
				if (response != null) {
					Matcher code = CODE.matcher(response.body());
					this.results.add(new Result<>(item, sentAt, answeredAt, response.statusCode(),
							code.find() ? code.group(1) : null));
				}
				else {
					this.results.add(new Result<>(item, sentAt, answeredAt, -1, String.valueOf(failure)));
				}
				sendNext();
			}, this.callbacks);
	}

	/** One kind of request the load sends. */
	interface Case {

		String method();

		String path();

		/** The bearer token, or null for none. */
		String token();

	}

	/**
	 * One answer: status -1 when the request failed or timed out ({@code code} then says why).
	 */
	record Result<C>(C item, long sentAt, long answeredAt, int status, String code) {

		boolean sentIn(long from, long to) {
			return this.sentAt - from >= 0 && this.sentAt - to < 0;
		}

		@Override
		public String toString() {
			return this.status + ((this.code != null) ? " " + this.code : "") + " for " + this.item;
		}

	}

}
