package dev.capkit.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * One malformed or hostile HTTP/1.1 request for a fuzz test, sent over a real socket (test support in the
 * testkit module, used by the fuzz tests of every module with an HTTP server): a method, a
 * path, a framing (Content-Length right, wrong, negative, huge or missing; chunked, possibly broken)
 * and a body. {@link #send} returns the status code of the answer, 0 when the server closed the
 * connection without one (allowed for a request it cannot frame).
 */
public record RawHttp(String method, String path, int framing, byte[] body) {
  public static Arbitrary<String> methods() {
    return Arbitraries.of("GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS", "G\u00e9T", "", "POST /x HTTP/1.1\r\nX:");
  }

  public static Arbitrary<RawHttp> requests(Arbitrary<String> paths, Arbitrary<byte[]> bodies) {
    return Combinators.combine(methods(), paths, Arbitraries.integers().between(0, 6), bodies).as(RawHttp::new);
  }

  /** Bodies: one hostile change ({@link HostileJson}) to one of the valid documents, or up to 300 random bytes. */
  public static Arbitrary<byte[]> bodies(String... validDocuments) {
    return Arbitraries.oneOf(
        Combinators.combine(Arbitraries.of(validDocuments), HostileJson.changes()).as((valid, change) -> {
          try {
            return change.applyTo(valid.getBytes(StandardCharsets.UTF_8));
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(300));
  }

  /**
   * Sends this request and fails (AssertionError, naming the request) on a 5xx answer; then checks that
   * the server still answers {@code GET alivePath} with 200.
   */
  public void sendExpectingNoServerError(InetSocketAddress server, String alivePath) throws IOException {
    int status = send(server);
    if (status >= 500) {
      throw new AssertionError("server error " + status + " for " + method + " " + abbreviated(path) + " framing "
          + framing + " body " + abbreviated(new String(body, StandardCharsets.UTF_8)));
    }
    int alive = new RawHttp("GET", alivePath, 6, new byte[0]).send(server);
    if (alive != 200) {
      throw new AssertionError("the server stopped answering: GET " + alivePath + " gave " + alive);
    }
  }

  private static String abbreviated(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  public static Arbitrary<String> hostilePaths() {
    return Arbitraries.of("/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/%00", "/" + "a".repeat(20_000), "*", "",
        "/\u0000", "/\u202e", "//", "/?" + "x=".repeat(2000), "http://other.example/");
  }

  public int send(InetSocketAddress server) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(server, 2000);
      s.setSoTimeout(10_000);
      ByteArrayOutputStream req = new ByteArrayOutputStream();
      req.writeBytes((method + " " + path + " HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\nContent-Type: application/json\r\n")
          .getBytes(StandardCharsets.UTF_8));
      switch (framing) {
        case 0 -> req.writeBytes(("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        case 1 -> req.writeBytes(("Content-Length: " + Math.max(0, body.length - 3) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        case 2 -> req.writeBytes("Content-Length: -5\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        case 3 -> req.writeBytes("Content-Length: 99999999999999999999\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        case 4 -> req.writeBytes(("Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(body.length) + "\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        case 5 -> req.writeBytes("Transfer-Encoding: chunked\r\n\r\nzz\r\n".getBytes(StandardCharsets.US_ASCII));
        default -> req.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      req.writeBytes(body);
      if (framing == 4) {
        req.writeBytes("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      try {
        s.getOutputStream().write(req.toByteArray());
        s.shutdownOutput();
      } catch (IOException e) {
        // the server may answer and close before reading everything (e.g. 413): read what it said
      }
      return status(s.getInputStream());
    }
  }

  private static int status(InputStream in) throws IOException {
    byte[] head = new byte[12];
    int n = 0;
    try {
      while (n < head.length) {
        int r = in.read(head, n, head.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no answer and no close within 10 s");
    } catch (IOException e) {
      return 0; // reset: the server dropped a request it could not frame
    }
    if (n == 0) {
      return 0;
    }
    String line = new String(head, 0, n, StandardCharsets.US_ASCII);
    if (!line.startsWith("HTTP/1.1 ") || n < 12) {
      throw new AssertionError("not an HTTP answer: " + line);
    }
    return Integer.parseInt(line.substring(9, 12));
  }
}
