package dev.tenantgate.policy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

import org.springframework.core.io.Resource;

/**
 * Where {@code routes.yml} comes from: reads it, resolves {@code ${NAME:default}} placeholders (they never span
 * lines, so the line numbers in messages stay true), parses it, and tells whether it changed since the last read.
 */
public final class RoutesFileSource {

	private final Resource resource;

	private final String name;

	private final UnaryOperator<String> placeholders;

	private volatile String lastContent = "";

	public RoutesFileSource(Resource resource, String name, UnaryOperator<String> placeholders) {
		this.resource = resource;
		this.name = name;
		this.placeholders = placeholders;
	}

	/**
	 * Reads and parses the file.
	 * @throws RoutesFileException naming the line and the reason
	 * @throws IOException when the file cannot be read
	 */
	public RoutesFile load() throws IOException {
		String content = read();
		RoutesFile routes = RoutesFileLoader.parse(this.placeholders.apply(content), this.name);
		this.lastContent = content;
		return routes;
	}

	/** Whether the file's content differs from what {@link #load()} last parsed successfully. */
	public boolean changed() throws IOException {
		return !read().equals(this.lastContent);
	}

	public String name() {
		return this.name;
	}

	/** Whether the file can change under a running gateway (a file, not a classpath resource). */
	public boolean isWatchable() {
		return this.resource.isFile();
	}

	private String read() throws IOException {
		if (!this.resource.exists()) {
			throw new IOException(this.name + " does not exist");
		}
		try (InputStream in = this.resource.getInputStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}
