package dev.capkit.loadgen.bench;

import dev.capkit.emulator.EmbeddedEmulator;
import dev.capkit.emulator.EmulatorOptions;
import dev.capkit.twin.Profile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server process of the ceiling benchmark: capkit's emulator, {@code instant} profile (no
 * simulated GPU time), on an ephemeral loopback port, recording the server-side TTFT of every
 * request (request decoded to first content chunk written, {@code nanoTime}) by request id, and the
 * two ends of that interval as {@code System.nanoTime()} values (one clock for every process on a Linux
 * machine, so the client's send and read times can be set against them: where the overhead arises).
 *
 * <p>Protocol on stdin/stdout, one line each: it prints {@code listening <base uri> <model>} once
 * bound; {@code dump <file>} writes {@code <request id> <server ttft ns> <decoded at ns> <written at ns>}
 * lines for the requests seen since the last dump, then prints {@code dumped <n>}; {@code quit} (or end
 * of stdin) stops it.
 */
public final class CeilingServer {

  private CeilingServer() {}

  public static void main(String[] args) throws Exception {
    Map<String, long[]> serverTtft = new ConcurrentHashMap<>(1 << 17);
    EmulatorOptions options = EmulatorOptions.defaults().withProfile(Profile.INSTANT).withMaxWaiting(100_000)
        .withMaxNumSeqs(100_000);
    try (EmbeddedEmulator emulator = EmbeddedEmulator.start(options)) {
      emulator.metrics().onFirstContentWritten((id, ttft) -> {
        long written = System.nanoTime();
        serverTtft.put(id, new long[] {ttft, written - ttft, written});
      });
      System.out.println("listening " + emulator.baseUri() + " " + emulator.modelName());
      System.out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.equals("quit")) {
        if (line.startsWith("dump ")) {
          System.out.println("dumped " + dump(serverTtft, Path.of(line.substring(5).trim())));
          System.out.flush();
        }
      }
    }
  }

  private static int dump(Map<String, long[]> serverTtft, Path file) throws IOException {
    int n = 0;
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
      for (String id : serverTtft.keySet()) {
        long[] t = serverTtft.remove(id);
        if (t != null) {
          out.println(id + " " + t[0] + " " + t[1] + " " + t[2]);
          n++;
        }
      }
    }
    return n;
  }
}
