package dev.capkit.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code -Dcapkit.loadgen.realtime} on a machine that does not grant real-time priorities: a JVM started without
 * {@code CAP_SYS_NICE} and with {@code ulimit -r} 0 ({@code setpriv} + {@code prlimit}, util-linux) must refuse before
 * any load, exit 2, and name the property, the value and chrt's reason. The ceiling benchmark's client is that JVM
 * (it calls {@link ChatClient#useRealtime} right after building its client, before any request). Skipped where
 * {@code setpriv} or {@code prlimit} is missing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RealtimeRefusedTest {

  @Test
  void withoutTheRightTheClientRefusesNamingPropertyValueAndReason() throws Exception {
    assumeTrue(onPath("setpriv") && onPath("prlimit"), "setpriv/prlimit (util-linux) not installed");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path out = Files.createTempFile("realtime-refused", ".txt");
    Process p = new ProcessBuilder(List.of("setpriv", "--bounding-set", "-sys_nice", "--inh-caps", "-sys_nice",
        "prlimit", "--rtprio=0", java, "-Dcapkit.loadgen.realtime=10", "-cp", System.getProperty("java.class.path"),
        "dev.capkit.loadgen.bench.CeilingClient", "http://127.0.0.1:9", "m", "10", "1", "1", out.toString()))
        .redirectErrorStream(true).start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(50, TimeUnit.SECONDS), said);
    assertEquals(2, p.exitValue(), said);
    assertTrue(said.contains("capkit: error: -Dcapkit.loadgen.realtime=10: cannot put the load generator's threads in"
        + " SCHED_FIFO: chrt -f -p 10 "), said);
    assertTrue(said.contains("Operation not permitted") && said.contains("ulimit -r >= 10"), said);
    assertEquals(0, Files.size(out), "no request was sent: " + Files.readString(out));
  }

  private static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
