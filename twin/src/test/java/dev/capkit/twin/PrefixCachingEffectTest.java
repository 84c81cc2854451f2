package dev.capkit.twin;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.twin.catalog.Catalog;
import dev.capkit.twin.physics.Dtype;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps the prefix-caching effect table in emulator/README.md (between {@code <!-- prefix-caching:begin -->}
 * and {@code <!-- prefix-caching:end -->}) generated from the model, and checks its direction: caching
 * never slows a step and a session's later step gains more than a lone step.
 * Regenerate with {@code -Dcapkit.writeReadme=true}.
 */
class PrefixCachingEffectTest {
  private static final String BEGIN = "<!-- prefix-caching:begin -->\n";
  private static final String END = "<!-- prefix-caching:end -->";

  @Test
  void emulatorReadmeShowsTheEffect() throws Exception {
    Catalog catalog = Catalog.load(null);
    List<ServingPlan> plans = List.of(
        ServingPlan.resolve(catalog, "gn7i-c8g1.2xlarge", "autoglm-phone-9b", Dtype.FP8, 0),
        ServingPlan.resolve(catalog, "gn8is.2xlarge", "autoglm-phone-9b", Dtype.FP8, 0),
        ServingPlan.resolve(catalog, "gn7e-c16g1.4xlarge", "autoglm-phone-9b", Dtype.BF16, 0));
    for (ServingPlan p : plans) {
      PrefixCachingEffect e = PrefixCachingEffect.of(p, 42);
      assertTrue(e.ttftOn() < e.ttftOff(), "cached system prompt must shorten TTFT: " + e);
      assertTrue(e.sessionTtftOff() - e.sessionTtftOn() > e.ttftOff() - e.ttftOn(), "history hits save more: " + e);
      assertTrue(e.stepsPerSecondOn() >= e.stepsPerSecondOff() * 0.999, "caching must not cost capacity: " + e);
    }
    String table = PrefixCachingEffect.table(plans, 42);
    Path readme = Path.of("../emulator/README.md");
    String text = Files.readString(readme);
    int b = text.indexOf(BEGIN);
    int e = text.indexOf(END);
    assertTrue(b >= 0 && e > b, "emulator/README.md needs the prefix-caching markers");
    if (Boolean.getBoolean("capkit.writeReadme")) {
      Files.writeString(readme, text.substring(0, b + BEGIN.length()) + table + text.substring(e));
      System.out.print(table);
      return;
    }
    assertTrue(text.substring(b + BEGIN.length(), e).equals(table),
        "emulator/README.md prefix-caching table is stale; regenerate with -Dcapkit.writeReadme=true. Expected:\n" + table);
  }
}
