package dev.tenantgate.bench.jmh;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.tenantgate.TenantgateApplication;
import dev.tenantgate.role.Membership;
import dev.tenantgate.role.MembershipKey;
import dev.tenantgate.role.PlatformUser;
import dev.tenantgate.role.ResolutionTrace;
import dev.tenantgate.role.RoleResolver;
import dev.tenantgate.role.SharedRoleStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.boot.SpringApplication;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.handler.DefaultWebFilterChain;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

/**
 * tenantgate's own work per request with warm caches, without the network: the gateway's application context is
 * started as deployed, and each invocation runs a fresh exchange through tenantgate's web filters (path
 * normalization, identity header stripping), Spring Cloud Gateway's route lookup, and tenantgate's global filters
 * (token from the verified-token cache, tenant check, roles, rule, identity headers, decision record), up to the
 * point where the request would be proxied.
 * <p>
 * {@code harness} is the harness alone (building the exchange, evaluating the route predicates), to subtract. The
 * caches are warm: every token was verified once, and users and memberships are in the in-process tier (written to
 * Redis, {@code -Dbench.redis.host/port}, and loaded from it once; with a long TTL, so no entry expires during a
 * run). NATS is off, so a role claim counts while its token is younger than the in-process TTL, without a lookup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DecisionPathBenchmark {

	private static final int USERS = 64;

	private static final String[] ROLES = { "owner", "admin", "staff", "viewer" };

	private ConfigurableApplicationContext context;

	private BenchTokens tokens;

	private RouteLocator routes;

	private List<WebFilter> webFilters;

	private List<GlobalFilter> globalFilters;

	private final Request[] withRoleClaim = new Request[USERS];

	private final Request[] withoutRoleClaim = new Request[USERS];

	private final Request[] otherTenant = new Request[USERS];

	private int next;

	@Setup(Level.Trial)
	public void start() {
		this.tokens = new BenchTokens();
		String redisPrefix = System.getProperty("bench.redis.prefix", "tgbench-jmh") + "-" + ProcessHandle.current().pid();
		// Command-line arguments: they take precedence over application.yml, as the environment does in production.
		this.context = SpringApplication.run(TenantgateApplication.class, "--server.port=0", "--management.server.port=0",
				"--spring.main.banner-mode=off", "--logging.level.root=WARN",
				"--tenantgate.routes-file=classpath:bench-routes.yml",
				"--tenantgate.token.jwks-uri=" + this.tokens.jwksUri(), "--tenantgate.token.issuer=" + BenchTokens.ISSUER,
				"--tenantgate.token.audiences=" + BenchTokens.ISSUER, "--tenantgate.token.algorithms=EdDSA,RS256",
				"--tenantgate.nats.enabled=false", "--management.endpoint.health.group.dependencies.include=redis,jwks",
				"--tenantgate.schema.verify-on-startup=false",
				"--tenantgate.roles.local.ttl=1h", "--tenantgate.roles.local.negative-ttl=1h",
				"--tenantgate.roles.redis.membership-prefix=" + redisPrefix + ":perm:",
				"--tenantgate.roles.redis.user-prefix=" + redisPrefix + ":perm-user:",
				"--tenantgate.roles.redis.change-prefix=" + redisPrefix + ":perm-chg:",
				"--spring.data.redis.host=" + System.getProperty("bench.redis.host", "127.0.0.1"),
				"--spring.data.redis.port=" + System.getProperty("bench.redis.port", "6379"));
		this.routes = this.context.getBean(RouteLocator.class);
		this.webFilters = tenantgateBeans(WebFilter.class);
		this.globalFilters = tenantgateBeans(GlobalFilter.class);
		SharedRoleStore shared = this.context.getBean(SharedRoleStore.class);
		RoleResolver roles = this.context.getBean(RoleResolver.class);
		// Redis answers before the tier is warmed through it (on a loaded machine its connection can take a while).
		Mono.defer(() -> shared.user(BenchTokens.id("user", 0)))
			.retryWhen(Retry.fixedDelay(40, Duration.ofMillis(250)))
			.block();
		for (int i = 0; i < USERS; i++) {
			String user = BenchTokens.id("user", i);
			String org = BenchTokens.id("org", i);
			String role = ROLES[i % ROLES.length];
			warm(shared, roles, user, new MembershipKey(user, org), Membership.of(role));
			String path = "/api/orgs/" + org + "/orders/" + i;
			this.withRoleClaim[i] = new Request(path, this.tokens.eddsa(user, org, role));
			this.withoutRoleClaim[i] = new Request(path, this.tokens.eddsa(user, org, null));
			this.otherTenant[i] = new Request("/api/orgs/" + BenchTokens.id("org", i + 1) + "/orders/" + i,
					this.withRoleClaim[i].token());
		}
		// Verifies every token once and fills the change-time mirror; every request must be allowed (or denied).
		for (int i = 0; i < USERS; i++) {
			expect(this.withRoleClaim[i], 200);
			expect(this.withoutRoleClaim[i], 200);
			expect(this.otherTenant[i], 403);
		}
	}

	/**
	 * Puts the user and the membership into the in-process tier: written to Redis as a database read made now would
	 * write them, then loaded from there once.
	 */
	private static void warm(SharedRoleStore shared, RoleResolver roles, String user, MembershipKey key,
			Membership membership) {
		long now = System.currentTimeMillis();
		shared.putUser(user, new PlatformUser(true, Set.of("user"), false, null), now).block();
		shared.putMembership(key, membership, now).block();
		// A Redis read that outlasts its time limit goes to the database, which the benchmark does not have: read again.
		Mono.defer(() -> roles.user(user, new ResolutionTrace()))
			.then(Mono.defer(() -> roles.membership(key, null, null, new ResolutionTrace())))
			.retryWhen(Retry.fixedDelay(20, Duration.ofMillis(100)))
			.block();
		if (roles.heldUser(user) == null || !membership.equals(roles.heldMembership(key))) {
			throw new IllegalStateException(key + ": not held in-process after warming");
		}
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.context.close();
		this.tokens.close();
	}

	/**
	 * The harness alone: a new exchange and the route predicates (which, without tenantgate's normalized path, match
	 * nothing), no tenantgate filter.
	 */
	@Benchmark
	public Object harness() {
		ServerWebExchange exchange = exchange(this.withRoleClaim[nextIndex()]);
		return lookupRoute(exchange).blockOptional();
	}

	/** A Better Auth token with organizationId and orgRole claims: no role lookup while no change was recorded. */
	@Benchmark
	public Object allowWithRoleClaim() {
		return run(this.withRoleClaim[nextIndex()]);
	}

	/** A token without orgRole: the member role comes from the in-process cache. */
	@Benchmark
	public Object allowWithCachedRole() {
		return run(this.withoutRoleClaim[nextIndex()]);
	}

	/** A token for another organization: 403 tenant_mismatch, rendered as problem+json. */
	@Benchmark
	public Object denyTenantMismatch() {
		return run(this.otherTenant[nextIndex()]);
	}

	private int nextIndex() {
		this.next = (this.next + 1) % USERS;
		return this.next;
	}

	/** The proxied request's headers when allowed, else the response status. */
	private Object run(Request request) {
		ServerWebExchange exchange = exchange(request);
		Object[] proxied = new Object[1];
		DefaultWebFilterChain chain = new DefaultWebFilterChain((filtered) -> lookupRoute(filtered).flatMap((route) -> {
			filtered.getAttributes().put(GATEWAY_ROUTE_ATTR, route);
			return new Chain(this.globalFilters, 0, (last) -> proxied[0] = last.getRequest().getHeaders())
				.filter(filtered);
		}), this.webFilters);
		chain.filter(exchange).block();
		return (proxied[0] != null) ? proxied[0] : exchange.getResponse().getStatusCode();
	}

	private void expect(Request request, int status) {
		Object result = run(request);
		int actual = (result instanceof HttpHeaders) ? 200 : ((HttpStatusCode) result).value();
		if (actual != status) {
			throw new IllegalStateException(request.path() + ": expected " + status + " but was " + actual);
		}
	}

	private static ServerWebExchange exchange(Request request) {
		return MockServerWebExchange.from(MockServerHttpRequest.get(request.path())
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + request.token())
			.header(HttpHeaders.ACCEPT, "application/json"));
	}

	/** As Spring Cloud Gateway's RoutePredicateHandlerMapping: the first route whose predicate matches. */
	private Mono<Route> lookupRoute(ServerWebExchange exchange) {
		return this.routes.getRoutes()
			.concatMap((route) -> Mono.just(route).filterWhen((candidate) -> candidate.getPredicate().apply(exchange)))
			.next();
	}

	/** tenantgate's own beans of the type, in filter order (the gateway's and Spring's filters are not measured). */
	private <T> List<T> tenantgateBeans(Class<T> type) {
		List<T> beans = new ArrayList<>(this.context.getBeansOfType(type)
			.values()
			.stream()
			.filter((bean) -> bean.getClass().getName().startsWith("dev.tenantgate."))
			.toList());
		beans.sort(AnnotationAwareOrderComparator.INSTANCE);
		if (beans.isEmpty()) {
			throw new IllegalStateException("no tenantgate " + type.getSimpleName() + " in the context");
		}
		return beans;
	}

	private record Request(String path, String token) {
	}

	private record Chain(List<GlobalFilter> filters, int index,
			Consumer<ServerWebExchange> end) implements GatewayFilterChain {

		@Override
		public Mono<Void> filter(ServerWebExchange exchange) {
			if (this.index == this.filters.size()) {
				this.end.accept(exchange);
				return Mono.empty();
			}
			return this.filters.get(this.index).filter(exchange, new Chain(this.filters, this.index + 1, this.end));
		}

	}

}
