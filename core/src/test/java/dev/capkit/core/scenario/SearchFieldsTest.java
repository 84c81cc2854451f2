package dev.capkit.core.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.search.SearchSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code load.search} and {@code -Dcapkit.search.<field>} overrides. */
class SearchFieldsTest {
  private static final Path FILE = Path.of("../scenarios/capacity-search.json");

  @TempDir
  Path dir;

  @Test
  void capacitySearchScenarioSearchesCapacitySweepsWorkload() {
    Scenario s = ScenarioLoader.load(FILE, Map.of());
    Scenario sweep = ScenarioLoader.load(Path.of("../scenarios/capacity-sweep.json"), Map.of());
    assertTrue(s.searches());
    SearchSettings k = s.search();
    assertEquals(0.5, k.startRate());
    assertEquals(0.05, k.precision());
    assertEquals(3600, k.budgetSeconds());
    assertEquals(10, k.warmupSeconds());
    assertFalse(k.whole(), "an open-loop search is over rates");
    assertEquals(sweep.mix(), s.mix(), "capacity-sweep's mix");
    assertEquals(sweep.slo(), s.slo(), "capacity-sweep's objectives");
    assertEquals(sweep.emulator(), s.emulator(), "capacity-sweep's tier");
    assertFalse(sweep.searches());
    assertNull(sweep.search());
  }

  @Test
  void overridesReplaceSearchFields() {
    Scenario s = ScenarioLoader.load(FILE, Map.of("search.budget", "10m", "search.precision", "0.1", "search.start", "2"));
    assertEquals(600, s.search().budgetSeconds());
    assertEquals(0.1, s.search().precision());
    assertEquals(2.0, s.search().startRate());
    assertEquals(150, s.search().scoutRequests(), "others keep the file's values");
  }

  @Test
  void unknownOrBadSearchOverridesAreRefusedByName() {
    var unknown = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(FILE, Map.of("search.budgt", "1h")));
    assertTrue(unknown.getMessage().startsWith("-Dcapkit.search.budgt") && unknown.getMessage().contains("budget"), unknown.getMessage());
    var bad = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(FILE, Map.of("search.precision", "2")));
    assertTrue(bad.getMessage().startsWith("-Dcapkit.search.precision") && bad.getMessage().contains("value 2"), bad.getMessage());
    var ladder = assertThrows(ScenarioException.class,
        () -> ScenarioLoader.load(Path.of("../scenarios/quickstart.json"), Map.of("search.budget", "1h")));
    assertTrue(ladder.getMessage().contains("no load.search"), ladder.getMessage());
  }

  @Test
  void unknownFieldInTheFileIsRefusedWithItsPath() throws IOException {
    Path file = dir.resolve("s.json");
    Files.writeString(file, Files.readString(FILE).replace("\"spare\": 3", "\"spares\": 3"));
    var e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(file, Map.of()));
    assertTrue(e.getMessage().contains("load.search.spares"), e.getMessage());
  }

  @Test
  void closedLoopSearchCountsWholeAgents() throws IOException {
    Path file = dir.resolve("agents.json");
    Files.writeString(file, Files.readString(Path.of("../scenarios/phone-agent-sessions.json"))
        .replace("\"agents\": [1, 2, 4, 8],", "\"search\": { \"start\": 2 },"));
    Scenario s = ScenarioLoader.load(file, Map.of());
    assertTrue(s.search().whole());
    assertEquals(2, s.steps().get(0).offered(), "the level list defaults to the start");
    Files.writeString(file, Files.readString(file).replace("\"start\": 2", "\"start\": 2.5"));
    var e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(file, Map.of()));
    assertTrue(e.getMessage().contains("whole numbers"), e.getMessage());
  }
}
