package dev.capkit.loadgen;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A loopback HTTP proxy for tests, as squid or a corporate proxy behaves: {@code CONNECT host:port}
 * opens a tunnel (answered {@code 200 Connection established}); an absolute-form request
 * ({@code POST http://host:port/path}) is forwarded as it came. Records each request line.
 */
final class TestProxy implements AutoCloseable {

  final BlockingQueue<String> requestLines = new LinkedBlockingQueue<>();
  private final ServerSocket server;

  TestProxy() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::accept, "test-proxy");
    t.setDaemon(true);
    t.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Thread t = new Thread(() -> serve(client), "test-proxy-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try {
      InputStream in = client.getInputStream();
      byte[] head = readHead(in);
      String text = new String(head, StandardCharsets.ISO_8859_1);
      String line = text.substring(0, text.indexOf("\r\n"));
      requestLines.add(line);
      String[] parts = line.split(" ");
      Socket upstream;
      if (parts[0].equals("CONNECT")) {
        String[] hostPort = parts[1].split(":");
        upstream = new Socket(hostPort[0].equals("localhost") ? "127.0.0.1" : hostPort[0], Integer.parseInt(hostPort[1]));
        client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().flush();
      } else {
        URI target = URI.create(parts[1]);
        upstream = new Socket(target.getHost(), target.getPort());
        upstream.getOutputStream().write(head);
      }
      pump(upstream.getInputStream(), client.getOutputStream(), upstream, client);
      pump(in, upstream.getOutputStream(), client, upstream);
    } catch (IOException e) {
      close(client);
    }
  }

  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before the request head ended");
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toByteArray();
  }

  private static void pump(InputStream from, OutputStream to, Socket a, Socket b) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16384];
      try {
        int n;
        while ((n = from.read(buf)) >= 0) {
          to.write(buf, 0, n);
          to.flush();
        }
      } catch (IOException e) {
        // one side closed
      } finally {
        close(a);
        close(b);
      }
    }, "test-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
