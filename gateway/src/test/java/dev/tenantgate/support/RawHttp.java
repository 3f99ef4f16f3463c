package dev.tenantgate.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HTTP/1.1 written byte for byte on a socket, for requests an HTTP client would tidy up: repeated headers, header
 * names in odd letter cases, oversized headers. The request is sent with {@code Connection: close} and the answer
 * read to the end.
 */
public final class RawHttp {

	private RawHttp() {
	}

	/**
	 * Sends {@code GET}-style {@code method target} with {@code headers} (each {@code "Name: value"}, in order, as
	 * given) to the local {@code port}.
	 */
	public static Response send(int port, String method, String target, List<String> headers) {
		return sendFrom("127.0.0.1", port, method, target, headers);
	}

	/**
	 * As {@link #send}, from the local address {@code localAddress} (any of 127.0.0.0/8 on Linux: a client that is
	 * not the proxy in front).
	 */
	public static Response sendFrom(String localAddress, int port, String method, String target, List<String> headers) {
		StringBuilder request = new StringBuilder();
		request.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
		request.append("Host: 127.0.0.1:").append(port).append("\r\n");
		for (String header : headers) {
			request.append(header).append("\r\n");
		}
		request.append("Connection: close\r\n\r\n");
		return sendBytes(localAddress, port, request.toString().getBytes(StandardCharsets.ISO_8859_1));
	}

	public static Response sendBytes(int port, byte[] request) {
		return sendBytes("127.0.0.1", port, request);
	}

	private static Response sendBytes(String localAddress, int port, byte[] request) {
		try (Socket socket = new Socket()) {
			socket.bind(new InetSocketAddress(localAddress, 0));
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			socket.setSoTimeout(15000);
			try {
				socket.getOutputStream().write(request);
				socket.getOutputStream().flush();
			}
			catch (SocketException ex) {
				// The server may answer and close before reading all of an oversized request: read what it said.
			}
			return Response.parse(readAll(socket.getInputStream()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static byte[] readAll(InputStream in) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		byte[] buffer = new byte[8192];
		try {
			int read;
			while ((read = in.read(buffer)) >= 0) {
				out.write(buffer, 0, read);
			}
		}
		catch (SocketException ex) {
			// a reset after the answer: keep what arrived
		}
		return out.toByteArray();
	}

	/**
	 * An answer: status, headers in order, body as text. Status is -1 when the server closed without answering.
	 */
	public record Response(int status, List<String[]> headers, String body) {

		static Response parse(byte[] raw) {
			String text = new String(raw, StandardCharsets.ISO_8859_1);
			int end = text.indexOf("\r\n\r\n");
			if (!text.startsWith("HTTP/1.1 ") || end < 0) {
				return new Response(-1, List.of(), text);
			}
			String[] lines = text.substring(0, end).split("\r\n");
			int status = Integer.parseInt(lines[0].substring(9, 12));
			List<String[]> headers = new ArrayList<>();
			for (int i = 1; i < lines.length; i++) {
				int colon = lines[i].indexOf(':');
				headers.add(new String[] { lines[i].substring(0, colon), lines[i].substring(colon + 1).strip() });
			}
			String body = new String(raw, end + 4, raw.length - end - 4, StandardCharsets.UTF_8);
			return new Response(status, headers, body);
		}

		/** The first value of the header {@code name}, in any letter case, or {@code null}. */
		public String header(String name) {
			for (String[] header : this.headers) {
				if (header[0].toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
					return header[1];
				}
			}
			return null;
		}

		@Override
		public String toString() {
			return this.status + " " + this.body;
		}

	}

}
