package dev.capkit.core.scenario;

import dev.capkit.testkit.HostileJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzes the scenario reader with jqwik (fixed seed, bounded tries; why jqwik: core/README.md): every
 * scenario shipped in {@code scenarios/} with one hostile change ({@link HostileJson}) is loaded. The
 * property: {@link ScenarioLoader#load} returns a scenario or throws a {@link ScenarioException}
 * naming the file; never another exception or error (no NullPointerException from a missing field,
 * no ClassCastException from a wrong type, no StackOverflowError from deep nesting), and a scenario it
 * accepts has a name that is a plain folder name (it names the run folder).
 */
class ScenarioFuzzTest {
  private static final List<Path> SCENARIOS = scenarios();

  private static List<Path> scenarios() {
    try (Stream<Path> s = Files.list(Path.of("../scenarios"))) {
      return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Provide
  Arbitrary<Path> scenario() {
    return Arbitraries.of(SCENARIOS);
  }

  @Provide
  Arbitrary<HostileJson> change() {
    return HostileJson.changes();
  }

  @Property(tries = 400, seed = "16")
  void loaderAnswersOrNamesTheFile(@ForAll("scenario") Path scenario, @ForAll("change") HostileJson change) throws IOException {
    Path file = Files.createTempFile("capkit-scenario-fuzz", ".json");
    try {
      Files.write(file, change.applyTo(Files.readAllBytes(scenario)));
      Scenario s = ScenarioLoader.load(file, Map.of());
      if (!s.name().matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
        throw new AssertionError("accepted a scenario name that is not a plain folder name: '" + s.name() + "' after " + change);
      }
    } catch (ScenarioException e) {
      if (!e.getMessage().contains(file.toString())) {
        throw new AssertionError("the error does not name the file: " + e.getMessage(), e);
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
