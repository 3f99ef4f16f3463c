package dev.tenantgate.filter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.util.CollectionUtils;
import org.springframework.util.LinkedCaseInsensitiveMap;

/**
 * Header names, and name prefixes, that a proxy does not pass on, and the copy of a header set without them. A name
 * matches whatever its letter case, and reading {@code _} as {@code -}: servers that read headers CGI-style
 * ({@code HTTP_X_USER_ID}) cannot tell {@code X_User_Id} from {@code X-User-Id}. The headers that {@code Connection}
 * names are connection-specific (RFC 9110, section 7.6.1) and are never copied either, matched by the same rule.
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

	/** Whether {@code name} is removed (not counting the names that {@code Connection} lists). */
	public boolean matches(String name) {
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
	 * {@code headers} is not changed. The names that {@code Connection} lists are put in a hash set first, so the
	 * pass stays linear in the headers and the names, however many of both a client sends; they match as the other
	 * removed names do, whatever the letter case and with {@code _} for {@code -}.
	 * @param room how many headers the caller adds to the copy
	 */
	public HttpHeaders copyWithout(HttpHeaders headers, int room) {
		NameSet connectionOptions = NameSet.of(headers.get(HttpHeaders.CONNECTION));
		LinkedCaseInsensitiveMap<List<String>> copy = new LinkedCaseInsensitiveMap<>(headers.size() + room,
				Locale.ROOT);
		for (Map.Entry<String, List<String>> header : headers.asMultiValueMap().entrySet()) {
			String name = header.getKey();
			if (!matches(name) && !connectionOptions.contains(name)) {
				copy.putIfAbsent(name, new ArrayList<>(header.getValue()));
			}
		}
		return new HttpHeaders(CollectionUtils.toMultiValueMap(copy));
	}

	/**
	 * As {@link #copyWithout(HttpHeaders, int)}, from Netty's own store of the headers, in one pass over its entries
	 * (one per value, in the order received), with no lookup by name. Every spelling of a name goes under the first.
	 */
	public HttpHeaders copyWithout(io.netty.handler.codec.http.HttpHeaders headers, int room) {
		NameSet connectionOptions = NameSet.of(headers.getAll(HttpHeaders.CONNECTION));
		LinkedCaseInsensitiveMap<List<String>> copy = new LinkedCaseInsensitiveMap<>(headers.size() + room,
				Locale.ROOT);
		Iterator<Map.Entry<String, String>> entries = headers.iteratorAsString();
		String previousName = null;
		List<String> previousValues = null;
		while (entries.hasNext()) {
			Map.Entry<String, String> header = entries.next();
			String name = header.getKey();
			if (name.equals(previousName)) {
				if (previousValues != null) {
					previousValues.add(header.getValue());
				}
				continue;
			}
			previousName = name;
			previousValues = null;
			if (!matches(name) && !connectionOptions.contains(name)) {
				previousValues = copy.computeIfAbsent(name, (key) -> new ArrayList<>(1));
				previousValues.add(header.getValue());
			}
		}
		return new HttpHeaders(CollectionUtils.toMultiValueMap(copy));
	}

	/**
	 * How many header names {@code values} (the {@code Connection} header's) lists, counting until {@code limit} is
	 * passed: enough to refuse a request that lists more than {@code limit} without reading all of them.
	 */
	public static int countConnectionOptions(@Nullable List<String> values, int limit) {
		if (values == null) {
			return 0;
		}
		int count = 0;
		for (String value : values) {
			boolean inName = false;
			for (int i = 0; i < value.length() && count <= limit; i++) {
				char c = value.charAt(i);
				if (c == ',') {
					inName = false;
				}
				else if (!inName && c != ' ' && c != '\t') {
					inName = true;
					count++;
				}
			}
		}
		return count;
	}

	/**
	 * The canonical names a {@code Connection} header lists, in an open-addressing table whose hash is computed from a
	 * header name's canonical characters without making a string: one lookup per header, whatever the number of
	 * names (most often one, {@code keep-alive}, or none).
	 */
	private static final class NameSet {

		private static final NameSet EMPTY = new NameSet(new String[1]);

		private final String[] table;

		private NameSet(String[] table) {
			this.table = table;
		}

		static NameSet of(@Nullable List<String> connection) {
			if (connection == null || connection.isEmpty()) {
				return EMPTY;
			}
			List<String> names = new ArrayList<>(2);
			for (String value : connection) {
				for (String option : value.split(",")) {
					String name = option.strip();
					if (!name.isEmpty()) {
						names.add(canonical(name));
					}
				}
			}
			if (names.isEmpty()) {
				return EMPTY;
			}
			String[] table = new String[Integer.highestOneBit(names.size() * 2 + 1) << 1];
			for (String name : names) {
				int slot = hash(name) & (table.length - 1);
				while (table[slot] != null && !table[slot].equals(name)) {
					slot = (slot + 1) & (table.length - 1);
				}
				table[slot] = name;
			}
			return new NameSet(table);
		}

		boolean contains(String name) {
			if (this == EMPTY) {
				return false;
			}
			int slot = hash(name) & (this.table.length - 1);
			for (String candidate = this.table[slot]; candidate != null; candidate = this.table[slot]) {
				if (candidate.length() == name.length() && startsWithCanonical(name, candidate)) {
					return true;
				}
				slot = (slot + 1) & (this.table.length - 1);
			}
			return false;
		}

		/** The hash of {@code name}'s canonical form, the same for every spelling of it. */
		private static int hash(String name) {
			int hash = 0;
			for (int i = 0; i < name.length(); i++) {
				hash = 31 * hash + canonical(name.charAt(i));
			}
			return hash ^ (hash >>> 16);
		}

	}

	/**
	 * Whether {@code name} starts with {@code canonical} once its ASCII letters are lowercased and {@code _} is read
	 * as {@code -} (Netty reads a header name byte by byte, and no character of those but the ASCII letters
	 * lowercases to an ASCII letter).
	 */
	private static boolean startsWithCanonical(String name, String canonical) {
		for (int i = 0; i < canonical.length(); i++) {
			if (canonical(name.charAt(i)) != canonical.charAt(i)) {
				return false;
			}
		}
		return true;
	}

	private static char canonical(char c) {
		if (c == '_') {
			return '-';
		}
		return (c >= 'A' && c <= 'Z') ? (char) (c + ('a' - 'A')) : c;
	}

	private static String canonical(String name) {
		char[] canonical = new char[name.length()];
		for (int i = 0; i < canonical.length; i++) {
			canonical[i] = canonical(name.charAt(i));
		}
		return new String(canonical);
	}

}
