package dev.capkit.netem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NetemMainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return NetemMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false);
  }

  @Test
  void startsWithAProfileAndTheApiOnLoopback() {
    try (EchoServer echo = new EchoServer()) {
      int code = run("--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:" + echo.address().getPort(), "--api", "127.0.0.1:0", "--profile", "vpc-20ms");
      assertEquals(0, code, err.toString());
      String o = out.toString(StandardCharsets.UTF_8);
      assertTrue(o.contains("profile vpc-20ms (3 toxic(s))") && o.contains("control API at http://127.0.0.1:"), o);
    }
  }

  @Test
  void badFlagsExitTwoNamingFlagAndValue() {
    assertEquals(2, run("--listen", "127.0.0.1:x", "--upstream", "127.0.0.1:1"));
    assertTrue(err.toString().startsWith("capkit netem: --listen '127.0.0.1:x': expected host:port with a numeric port"), err.toString());
    err.reset();
    assertEquals(2, run("--listen", "127.0.0.1:0"));
    assertTrue(err.toString().startsWith("capkit netem: --upstream is required"), err.toString());
    err.reset();
    assertEquals(2, run("--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:1", "--profile", "vpc-7ms", "--api", "off"));
    assertTrue(err.toString().contains("no network profile 'vpc-7ms' (known: none, vpc-5ms"), err.toString());
    err.reset();
    assertEquals(2, run("--bogus", "1"));
    assertTrue(err.toString().startsWith("capkit netem: unknown option '--bogus' (known: --api, --listen"), err.toString());
    assertEquals(0, run("--help"));
  }
}
