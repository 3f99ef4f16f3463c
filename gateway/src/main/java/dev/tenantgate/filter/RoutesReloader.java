package dev.tenantgate.filter;

import java.time.Duration;
import java.util.List;

import dev.tenantgate.policy.RoutesFile;
import dev.tenantgate.policy.RoutesFileException;
import dev.tenantgate.policy.RoutesFileSource;
import dev.tenantgate.policy.RoutesLinter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Reloads {@code routes.yml} when it changes, without a restart. A new version that does not validate is refused
 * with a log line naming its line and reason, and the rules in force stay. Lint warnings are logged on every load.
 * The file is checked every {@code interval}, off the event loop.
 */
public final class RoutesReloader implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(RoutesReloader.class);

	private final RoutesFileSource source;

	private final PolicyRouteLocator locator;

	private final ApplicationEventPublisher events;

	private final Duration interval;

	private volatile @Nullable Disposable watching;

	public RoutesReloader(RoutesFileSource source, PolicyRouteLocator locator, ApplicationEventPublisher events,
			Duration interval) {
		this.source = source;
		this.locator = locator;
		this.events = events;
		this.interval = interval;
	}

	/** Checks the file once; returns whether new rules were put in force. */
	public boolean reloadIfChanged() {
		try {
			if (!this.source.changed()) {
				return false;
			}
			RoutesFile routes = this.source.load();
			logWarnings(RoutesLinter.lint(routes, this.source.name()));
			this.locator.update(routes);
			this.events.publishEvent(new RefreshRoutesEvent(this));
			logger.info("Reloaded " + this.source.name() + ": " + routes.routes().size() + " route(s) in force");
			return true;
		}
		catch (RoutesFileException ex) {
			logger.error("Refused the new " + this.source.name() + ", the previous rules stay in force: "
					+ ex.getMessage());
		}
		catch (Exception ex) {
			logger.error("Could not read " + this.source.name() + ", the previous rules stay in force: " + ex);
		}
		return false;
	}

	static void logWarnings(List<String> warnings) {
		warnings.forEach((warning) -> logger.warn("routes lint: " + warning));
	}

	@Override
	public void start() {
		if (this.source.isWatchable() && !this.interval.isZero()) {
			this.watching = Flux.interval(this.interval, Schedulers.boundedElastic())
				.subscribe((tick) -> reloadIfChanged());
		}
	}

	@Override
	public void stop() {
		Disposable current = this.watching;
		if (current != null) {
			current.dispose();
			this.watching = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.watching != null;
	}

}
