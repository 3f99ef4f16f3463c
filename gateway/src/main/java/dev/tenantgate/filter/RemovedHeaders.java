package dev.tenantgate.filter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.http.HttpHeaders;
import org.springframework.util.CollectionUtils;
import org.springframework.util.LinkedCaseInsensitiveMap;

/**
 * Header names, and name prefixes, that a proxy does not pass on, and the copy of a header set without them. A name
 * matches whatever its letter case, and reading {@code _} as {@code -}: servers that read headers CGI-style
 * ({@code HTTP_X_USER_ID}) cannot tell {@code X_User_Id} from {@code X-User-Id}. The headers that {@code Connection}
 * names are connection-specific (RFC 9110, section 7.6.1) and are never copied either.
 * <p>
 * This runs for every header of every proxied request and response, so no string is made to compare a name: the
 * names are kept canonical (lowercase, {@code -}) and grouped by length, and a header name is compared with the few
 * of its own length, one character at a time.
 */
public final class RemovedHeaders {

	private static final String[] NONE = {};

	private final String[][] namesByLength;

	private final List<String> prefixes;

	/**
	 * @param names the names removed
	 * @param prefixes the name prefixes removed
	 */
	public RemovedHeaders(Collection<String> names, Collection<String> prefixes) {
		this.namesByLength = byLength(names.stream().map(RemovedHeaders::canonical).collect(Collectors.toSet()));
		this.prefixes = prefixes.stream().map(RemovedHeaders::canonical).distinct().toList();
	}

	private static String[][] byLength(Set<String> names) {
		int longest = names.stream().mapToInt(String::length).max().orElse(0);
		String[][] byLength = new String[longest + 1][];
		Arrays.fill(byLength, NONE);
		for (String name : names) {
			String[] same = Arrays.copyOf(byLength[name.length()], byLength[name.length()].length + 1);
			same[same.length - 1] = name;
			byLength[name.length()] = same;
		}
		return byLength;
	}

	/** Whether {@code name} is removed. */
	private boolean matches(String name) {
		int length = name.length();
		if (length < this.namesByLength.length) {
			for (String removed : this.namesByLength[length]) {
				if (startsWithCanonical(name, removed)) {
					return true;
				}
			}
		}
		for (String prefix : this.prefixes) {
			if (length >= prefix.length() && startsWithCanonical(name, prefix)) {
				return true;
			}
		}
		return false;
	}

	/** Whether {@code headers} has a header that is removed (not counting those that {@code Connection} names). */
	public boolean anyIn(HttpHeaders headers) {
		for (String name : headers.asMultiValueMap().keySet()) {
			if (matches(name)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * A copy of {@code headers} without the removed ones and without those that {@code Connection} names, in one
	 * pass. It walks the backing map's own entries: {@code headerSet()} first builds a case-insensitive set of every
	 * name, lowercasing each, and looks each value up again. A backing store that keeps names as spelled (Netty's)
	 * lists a name once per spelling, each time with all its values; the case-insensitive copy keeps the first.
	 * {@code headers} is not changed.
	 * @param room how many headers the caller adds to the copy
	 */
	public HttpHeaders copyWithout(HttpHeaders headers, int room) {
		List<String> connectionOptions = connectionOptions(headers);
		LinkedCaseInsensitiveMap<List<String>> copy = new LinkedCaseInsensitiveMap<>(headers.size() + room,
				Locale.ROOT);
		for (Map.Entry<String, List<String>> header : headers.asMultiValueMap().entrySet()) {
			String name = header.getKey();
			if (!matches(name) && !containsIgnoringCase(connectionOptions, name)) {
				copy.putIfAbsent(name, new ArrayList<>(header.getValue()));
			}
		}
		return new HttpHeaders(CollectionUtils.toMultiValueMap(copy));
	}

	/** The header names listed in {@code Connection} (most often one: {@code keep-alive}). */
	private static List<String> connectionOptions(HttpHeaders headers) {
		List<String> connection = headers.get(HttpHeaders.CONNECTION);
		if (connection == null || connection.isEmpty()) {
			return List.of();
		}
		List<String> options = new ArrayList<>(2);
		for (String value : connection) {
			for (String option : value.split(",")) {
				options.add(option.trim());
			}
		}
		return options;
	}

	/** Compared one by one: a header name is not lowercased (a new string) for each header. */
	private static boolean containsIgnoringCase(List<String> names, String name) {
		for (String candidate : names) {
			if (candidate.equalsIgnoreCase(name)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether {@code name} starts with {@code canonical} once its ASCII letters are lowercased and {@code _} is read
	 * as {@code -} (Netty reads a header name byte by byte, and no character of those but the ASCII letters
	 * lowercases to an ASCII letter).
	 */
	private static boolean startsWithCanonical(String name, String canonical) {
		for (int i = 0; i < canonical.length(); i++) {
			char c = name.charAt(i);
			if (c == '_') {
				c = '-';
			}
			else if (c >= 'A' && c <= 'Z') {
				c = (char) (c + ('a' - 'A'));
			}
			if (c != canonical.charAt(i)) {
				return false;
			}
		}
		return true;
	}

	private static String canonical(String name) {
		return name.toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
