package dev.capkit.loadgen;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP/1.1 server on a raw {@link ServerSocket} whose answer to each request is a
 * script: it can stream chunks with delays, reset the connection, answer any status, or stay
 * silent. Raw sockets rather than {@code HttpServer} because the faults (RST mid-body, chunk
 * timing) need byte-level control. One thread per connection: tests open only a few. With an
 * {@link SSLContext} it serves HTTPS (JDK TLS) and records the SNI host name each client asked for.
 */
final class ScriptedServer implements AutoCloseable {

  /** What the server received. */
  record Received(String method, String path, Map<String, String> headers, byte[] body) {}

  /** Answers one request on the socket; return true to keep the connection for another request. */
  interface Script {
    boolean answer(Received request, Socket socket, OutputStream out) throws IOException, InterruptedException;
  }

  private final ServerSocket server;
  private final Thread acceptor;
  final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  final AtomicInteger connections = new AtomicInteger();
  /** SNI host names asked for, one entry per TLS connection ("" when the client sent none). */
  final BlockingQueue<String> serverNames = new LinkedBlockingQueue<>();
  /** Negotiated protocol per TLS connection. */
  final BlockingQueue<String> protocols = new LinkedBlockingQueue<>();
  private final boolean tls;
  private volatile Script script;

  ScriptedServer(Script script) throws IOException {
    this(script, null, null);
  }

  /** An HTTPS server; {@code protocols} limits the TLS versions it accepts (null: the JDK's). */
  ScriptedServer(Script script, SSLContext tls, String[] protocols) throws IOException {
    this.script = script;
    this.tls = tls != null;
    if (tls == null) {
      this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } else {
      SSLServerSocket s = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
      if (protocols != null) {
        s.setEnabledProtocols(protocols);
      }
      this.server = s;
    }
    this.acceptor = new Thread(this::acceptLoop, "scripted-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  URI uri() {
    return URI.create((tls ? "https://localhost:" : "http://127.0.0.1:") + server.getLocalPort());
  }

  int port() {
    return server.getLocalPort();
  }

  void script(Script next) {
    this.script = next;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        connections.incrementAndGet();
        Thread t = new Thread(() -> serve(socket), "scripted-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      if (socket instanceof SSLSocket s) {
        s.startHandshake();
        SSLSession session = s.getSession();
        String name = "";
        if (session instanceof ExtendedSSLSession e) {
          for (SNIServerName n : e.getRequestedServerNames()) {
            name = n instanceof SNIHostName h ? h.getAsciiName() : name;
          }
        }
        serverNames.add(name);
        protocols.add(session.getProtocol());
      }
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      while (true) {
        Received request = read(in);
        if (request == null) {
          return;
        }
        received.add(request);
        if (!script.answer(request, socket, out)) {
          return;
        }
      }
    } catch (SocketException | javax.net.ssl.SSLException e) {
      // the client went away (timeouts close the connection, a refused certificate ends the
      // handshake): expected in these tests
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Received read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    String[] requestLine = lines[0].split(" ");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    return new Received(requestLine[0], requestLine[1], headers, body);
  }

  // --- script building blocks

  static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  static void streamHeaders(OutputStream out) throws IOException {
    write(out, "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\n"
        + "transfer-encoding: chunked\r\n\r\n");
  }

  static void chunk(OutputStream out, String data) throws IOException {
    byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
    write(out, Integer.toHexString(bytes.length) + "\r\n");
    out.write(bytes);
    write(out, "\r\n");
  }

  static void endChunks(OutputStream out) throws IOException {
    write(out, "0\r\n\r\n");
  }

  static String content(String token) {
    return "data: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
        + token + "\"},\"finish_reason\":null}]}\n\n";
  }

  static String finish(int promptTokens, int completionTokens) {
    return "data: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
        + "data: {\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":" + promptTokens
        + ",\"completion_tokens\":" + completionTokens + "}}\n\ndata: [DONE]\n\n";
  }

  static void answer(OutputStream out, int status, String reason, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    write(out, "HTTP/1.1 " + status + " " + reason + "\r\ncontent-type: " + contentType + "\r\ncontent-length: "
        + bytes.length + "\r\n\r\n");
    out.write(bytes);
    out.flush();
  }

  /** Sends a TCP RST instead of a FIN. */
  static void reset(Socket socket) throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
