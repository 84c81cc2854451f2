package dev.capkit.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CommandLineTest {
  private static final List<String> OPTIONS = List.of("--out", "--qps", "--seed");
  private static final List<String> SWITCHES = List.of("--dry");

  private static CommandLine parse(String... args) {
    return CommandLine.parse(args, OPTIONS, SWITCHES);
  }

  @Test
  void positionalOptionsSwitchesAndPassthrough() {
    CommandLine cl = parse("run1", "--out", "o", "--qps=2.5", "--dry", "run2", "--", "-Dcapkit.qps=3", "--out");
    assertEquals(List.of("run1", "run2"), cl.positional());
    assertEquals(Optional.of(Path.of("o")), cl.path("--out"));
    assertEquals(2.5, cl.number("--qps", 0), 0);
    assertEquals(7, cl.whole("--seed", 7));
    assertTrue(cl.has("--dry"));
    assertFalse(cl.help());
    assertEquals(List.of("-Dcapkit.qps=3", "--out"), cl.passthrough());
    assertTrue(parse("x", "-h").help());
  }

  @Test
  void problemsNameTheOptionAndTheValue() {
    assertEquals("unknown option '--ot' (known: --dry, --out, --qps, --seed)",
        assertThrows(CommandLine.UsageException.class, () -> parse("--ot", "x")).getMessage());
    assertEquals("option --out needs a value", assertThrows(CommandLine.UsageException.class, () -> parse("--out")).getMessage());
    assertEquals("option --out needs a value",
        assertThrows(CommandLine.UsageException.class, () -> parse("--out", "--dry")).getMessage());
    assertEquals("option --dry takes no value, got 'yes'",
        assertThrows(CommandLine.UsageException.class, () -> parse("--dry=yes")).getMessage());
    assertEquals("--qps 'fast' is not a number",
        assertThrows(CommandLine.UsageException.class, () -> parse("--qps", "fast").number("--qps", 0)).getMessage());
    assertEquals("--seed '1.5' is not a whole number",
        assertThrows(CommandLine.UsageException.class, () -> parse("--seed", "1.5").whole("--seed", 0)).getMessage());
    assertEquals("--out is required (e.g. --out plan/)",
        assertThrows(CommandLine.UsageException.class, () -> parse().require("--out", "e.g. --out plan/")).getMessage());
  }
}
