package dev.capkit.reports;

import dev.capkit.testkit.HostileJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzes the report's plan.json reading with jqwik (fixed seed, bounded tries; why jqwik: the root
 * README, "Fuzzing"): the planner's v1 and v2 plan fixtures, each with one hostile change
 * ({@link HostileJson}), rendered into the page beside the quickstart run. The property: the page
 * renders or a {@link ReportException} names the plan file; never another exception or error.
 */
class PlanJsonFuzzTest {
  private static final Path FIXTURE = Path.of("src/test/resources/fixture");

  @Provide
  Arbitrary<String> seed() {
    return Arbitraries.of("plan", "plan-from-planner", "plan-from-planner-v2");
  }

  @Provide
  Arbitrary<HostileJson> change() {
    return HostileJson.changes();
  }

  @Property(tries = 80, seed = "16") // each try renders a whole page: 150 took 48 s at load 15-30
  void pageRendersOrNamesThePlanFile(@ForAll("seed") String seed, @ForAll("change") HostileJson change) throws IOException {
    Path dir = Files.createTempDirectory("capkit-plan-fuzz");
    Path plan = dir.resolve("plan.json");
    try {
      Files.write(plan, change.applyTo(Files.readAllBytes(FIXTURE.resolve(seed).resolve("plan.json"))));
      HtmlReport.render(List.of(FIXTURE.resolve("run-quickstart")), plan, null, dir);
    } catch (ReportException e) {
      if (!e.getMessage().contains(plan.toString())) {
        throw new AssertionError("the error does not name the plan file: " + e.getMessage(), e);
      }
    } finally {
      Files.deleteIfExists(plan);
      Files.deleteIfExists(dir);
    }
  }
}
