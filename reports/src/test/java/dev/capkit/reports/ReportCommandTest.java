package dev.capkit.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit statuses and messages of {@code ./capkit report}: 0 written, 2 bad input naming the file, field and value. */
class ReportCommandTest {
  @TempDir
  Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return ReportCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void writesThePageAndPrintsItsPath() throws Exception {
    Path page = tmp.resolve("sub/report.html");
    assertEquals(0, run(Fixtures.RUN.toString(), "--plan", Fixtures.PLAN.toString(), "--baseline", Fixtures.BASELINE.toString(),
        "--out", page.toString()), err());
    assertTrue(Files.readString(page).startsWith("<!DOCTYPE html>"));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains(page.toAbsolutePath().toString()));
  }

  @Test
  void missingOutOrRunsOrUnknownOptionsExit2() {
    assertEquals(2, run(Fixtures.RUN.toString()));
    assertTrue(err().contains("--out is required"), err());
    assertEquals(2, run("--out", tmp.resolve("r.html").toString()));
    assertTrue(err().contains("no run folder given"), err());
    assertEquals(2, run(Fixtures.RUN.toString(), "--pln", "x", "--out", "r.html"));
    assertTrue(err().contains("unknown option '--pln'"), err());
    assertEquals(2, run(Fixtures.RUN.toString(), "--out"));
    assertTrue(err().contains("option --out needs a value"), err());
  }

  @Test
  void aFolderWithoutRunJsonIsNamed() {
    assertEquals(2, run(tmp.toString(), "--out", tmp.resolve("r.html").toString()));
    assertTrue(err().contains(tmp + ": not a capkit run folder (no run.json)"), err());
  }

  @Test
  void aBadPlanNamesTheFileTheFieldAndTheValue() throws Exception {
    Path plan = tmp.resolve("plan.json");
    Files.writeString(plan, Files.readString(Fixtures.PLAN).replaceFirst("\"vramGib\" : 24", "\"vramGib\" : \"24 GiB\""));
    assertEquals(2, run(Fixtures.RUN.toString(), "--plan", plan.toString(), "--out", tmp.resolve("r.html").toString()));
    assertTrue(err().contains(plan + ": field 'tiers[0].vramGib': expected a number, null or \"+inf\"/\"-inf\", found \"24 GiB\""), err());

    Files.writeString(plan, "{\"capkitPlan\": 4, \"tiers\": []}");
    assertEquals(2, run(Fixtures.RUN.toString(), "--plan", plan.toString(), "--out", tmp.resolve("r.html").toString()));
    assertTrue(err().contains("field 'capkitPlan' is 4; this capkit reads plan formats 1 to 3"), err());

    Files.writeString(plan, "{\"capkitPlan\": 1, ");
    assertEquals(2, run(Fixtures.RUN.toString(), "--plan", plan.toString(), "--out", tmp.resolve("r.html").toString()));
    assertTrue(err().contains(plan + ": not valid JSON"), err());

    assertEquals(2, run(Fixtures.RUN.toString(), "--plan", tmp.resolve("nope.json").toString(), "--out", tmp.resolve("r.html").toString()));
    assertTrue(err().contains("nope.json: no such plan file (--plan)"), err());
  }

  @Test
  void aRunJsonOfAnotherFormatVersionIsNamed() throws Exception {
    Path run = tmp.resolve("run");
    Fixtures.copyTree(Fixtures.RUN, run);
    Files.writeString(run.resolve("run.json"), Files.readString(run.resolve("run.json")).replace("\"capkitResults\" : 1", "\"capkitResults\" : 9"));
    assertEquals(2, run(run.toString(), "--out", tmp.resolve("r.html").toString()));
    assertTrue(err().contains("field 'capkitResults' is 9"), err());
  }
}
