package dev.capkit.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.scenario.ScenarioException;
import dev.capkit.core.scenario.ScenarioLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input that must not get far: a scenario name that is a path (it names the run folder), and
 * secrets on the command line (process listings show system properties).
 */
class HostileInputTest {
  @TempDir
  Path dir;

  @Test
  void scenarioNamesThatArePathsAreRefusedNamingTheField() throws IOException {
    String quickstart = Files.readString(Path.of("../scenarios/quickstart.json"));
    for (String bad : new String[] {"../x", "..", "a/b", "/etc", ".hidden", "a\\\\b", "x y", ""}) {
      Path f = dir.resolve("s.json");
      Files.writeString(f, quickstart.replaceFirst("\"name\"\\s*:\\s*\"quickstart\"", "\"name\": \"" + bad + "\""));
      ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(f, Map.of()), bad);
      assertTrue(e.getMessage().contains("'name'"), e.getMessage());
    }
    Path ok = dir.resolve("ok.json");
    Files.writeString(ok, quickstart.replaceFirst("\"name\"\\s*:\\s*\"quickstart\"", "\"name\": \"vpc-latency_v2.1\""));
    assertEquals("vpc-latency_v2.1", ScenarioLoader.load(ok, Map.of()).name());
  }

  @Test
  void anApiKeyPropertyIsRefusedWithoutEchoingIt() {
    Properties p = new Properties();
    p.setProperty("capkit.apiKey", "sk-very-secret");
    ScenarioException e = assertThrows(ScenarioException.class, () -> RunOptions.parse(p, Map.of()));
    assertTrue(e.getMessage().contains("CAPKIT_API_KEY") && e.getMessage().contains("apiKeyFile"), e.getMessage());
    assertFalse(e.getMessage().contains("sk-very-secret"), "the secret is never printed: " + e.getMessage());
  }

  @Test
  void theKeyComesFromAFileOrTheEnvironment() throws IOException {
    Path key = dir.resolve("key");
    Files.writeString(key, "sk-from-file\n");
    Properties p = new Properties();
    p.setProperty("capkit.apiKeyFile", key.toString());
    assertEquals("sk-from-file", RunOptions.parse(p, Map.of("CAPKIT_API_KEY", "sk-env")).target().apiKey());
    assertEquals("sk-env", RunOptions.parse(new Properties(), Map.of("CAPKIT_API_KEY", "sk-env")).target().apiKey());
    Files.writeString(key, "\n");
    ScenarioException e = assertThrows(ScenarioException.class, () -> RunOptions.parse(p, Map.of()));
    assertTrue(e.getMessage().contains("apiKeyFile") && e.getMessage().contains("first line is empty"), e.getMessage());
  }
}
