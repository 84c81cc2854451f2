package dev.capkit.netem;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/** A blocking test client: round trips of small messages, timed with System.nanoTime. */
final class Probe implements AutoCloseable {
  final Socket socket;
  final InputStream in;
  final OutputStream out;

  Probe(InetSocketAddress address) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(address, 2000);
    socket.setSoTimeout(5000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** Sends {@code n} bytes and reads them back; returns the round trip in ms. */
  double roundTripMs(int n) throws IOException {
    byte[] msg = new byte[n];
    for (int i = 0; i < n; i++) {
      msg[i] = (byte) i;
    }
    long t0 = System.nanoTime();
    out.write(msg);
    out.flush();
    byte[] back = in.readNBytes(n);
    long t1 = System.nanoTime();
    if (back.length != n) {
      throw new IOException("short echo: " + back.length + " of " + n);
    }
    return (t1 - t0) / 1e6;
  }

  /**
   * Fastest round trip over {@code count} tries. A toxic's delay is a floor under every round trip, and a
   * loaded machine only adds to it (a starved event loop or test thread), so the fastest of a few tries
   * shows the configured delay where the median picks up the machine's load too (seen: a 20 ms toxic
   * measured as 29.8 ms added by medians while other builds ran).
   */
  double fastestRoundTripMs(int count, int n) throws IOException {
    double best = Double.POSITIVE_INFINITY;
    for (int i = 0; i < count; i++) {
      best = Math.min(best, roundTripMs(n));
    }
    return best;
  }

  /** Median round trip over {@code count} tries. */
  double medianRoundTripMs(int count, int n) throws IOException {
    double[] v = new double[count];
    for (int i = 0; i < count; i++) {
      v[i] = roundTripMs(n);
    }
    java.util.Arrays.sort(v);
    return v[count / 2];
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
