package dev.capkit.simulations;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.distributed.LocalSplit;
import dev.capkit.distributed.MergeRefusedException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local split's start handshake when an injector never gets ready: the split stops at once, names the
 * injector and its log, and writes no start signal (so no injector sends anything). The agreement of
 * injectors that do get ready is {@link LocalSplitAgreementTest}'s.
 */
class LocalSplitHandshakeTest {
  @TempDir
  Path dir;

  @Test
  void anInjectorThatExitsBeforeItIsReadyStopsTheSplitWithoutAStart() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort(); // nothing listens here once the socket is closed
    }
    Path scenarios = Path.of("../scenarios").toAbsolutePath().normalize();
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> jvm = List.of("-Dcapkit.scenariosDir=" + scenarios, "-Dcapkit.scenario=split-check", "-Dcapkit.tier=gn7i",
        "-Dcapkit.timeout.connect=2s");
    long t0 = System.nanoTime();
    MergeRefusedException e = assertThrows(MergeRefusedException.class, () -> LocalSplit.run(new LocalSplit.Options(1, classpath,
        "http://127.0.0.1:" + closed, jvm, dir, Duration.ZERO, Duration.ofMinutes(3), "512m"), System.out));
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertTrue(e.getMessage().contains("before it was ready for the common start") && e.getMessage().contains("injector-"),
        e.getMessage());
    assertTrue(seconds < 120, "stopped " + seconds + " s after launch, not at the 3-minute timeout");
    assertTrue(!Files.exists(dir.resolve("start-at")), "no start signal was written");
  }
}
