package dev.capkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to ./capkit split stops before any JVM starts, with status 2 and the flag or field named. */
class SplitCommandTest {
  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int split(String... args) throws Exception {
    Path cp = dir.resolve("cp.txt");
    Files.writeString(cp, "/nowhere.jar");
    List<String> all = new ArrayList<>(List.of("--classpath-file", cp.toString(), "--scenarios",
        Path.of("../scenarios").toString(), "--out", dir.resolve("out").toString()));
    all.addAll(List.of(args));
    return SplitCommand.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void badScenarioOverrideNamesThePropertyAndValue() throws Exception {
    assertEquals(2, split("--injectors", "3", "--", "-Dcapkit.scenario=quickstart", "-Dcapkit.qps=-4"));
    assertTrue(err().contains("capkit.qps") && err().contains("-4"), err());
    assertFalse(Files.exists(dir.resolve("out")), "nothing was started");
  }

  @Test
  void unknownScenarioAndBadFlagsAreStatus2() throws Exception {
    assertEquals(2, split("--", "-Dcapkit.scenario=nope"));
    assertTrue(err().contains("nope"), err());
    assertEquals(2, split("--injectors", "0"));
    assertTrue(err().contains("--injectors 0"), err());
    assertEquals(2, split("--injectors", "two"));
    assertTrue(err().contains("--injectors 'two' is not a whole number"), err());
    assertEquals(2, split("--", "quickstart"));
    assertTrue(err().contains("'quickstart' after --"), err());
  }

  @Test
  void optionsLocalSplitSetsItselfAreRefused() throws Exception {
    assertEquals(2, split("--injectors", "2", "--", "-Dcapkit.scenario=split-check", "-Dcapkit.injector=0/2"));
    assertTrue(err().contains("-Dcapkit.injector=0/2"), err());
  }
}
