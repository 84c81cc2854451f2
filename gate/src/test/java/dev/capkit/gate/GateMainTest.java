package dev.capkit.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Every exit status of {@code ./capkit gate} and {@code ./capkit baseline save}, on run folders made in virtual time. */
class GateMainTest {
  static final String SMOKE = "../scenarios/gate-smoke.json";

  @TempDir
  static Path tmp;
  static Path base;
  static Path same;
  static Path slowed;

  @BeforeAll
  static void runs() throws IOException {
    base = VirtualRunFolder.write(tmp.resolve("base"), SMOKE, Map.of(), 1000, 1.0);
    same = VirtualRunFolder.write(tmp.resolve("same"), SMOKE, Map.of(), 1001, 1.0);
    slowed = VirtualRunFolder.write(tmp.resolve("slowed"), SMOKE, Map.of(), 1001, 1.2);
  }

  record Result(int status, String out, String err) {}

  static Result gate(String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    int status = GateMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void exit0WhenTheSameBuildRunsAgain() {
    Result r = gate("--baseline", base.toString(), same.toString(), "--out", tmp.resolve("g0").toString());
    assertEquals(0, r.status(), r.out() + r.err());
    assertTrue(r.out().contains("capkit gate: PASS"), r.out());
    assertTrue(r.out().contains("bootstrap percentile interval"), "names the method: " + r.out());
    assertTrue(r.out().contains("note: seeds differ"), r.out());
    // what the verdict can promise: the note repeats the all-kinds rows' detect. column (above the tolerance)
    var row = java.util.regex.Pattern.compile("^(\\S+) +\\* +e2e\\.p99 .*\\] +\\+10% +\\+(\\d+\\.\\d)% +pass$", java.util.regex.Pattern.MULTILINE)
        .matcher(r.out());
    assertTrue(row.find(), r.out());
    double detectable = Double.parseDouble(row.group(2));
    assertTrue(detectable > 10 && detectable < 40, "the smoke's E2E p99 detectable worsening: " + detectable);
    assertTrue(r.out().contains("note: step " + row.group(1) + ": at this sample a worsening (all kinds) is caught with about 95%"
        + " probability only from about e2e.p99 +" + row.group(2) + "%, "), r.out());
  }

  @Test
  void exit1WhenTheEmulatorIsTwentyPercentSlower() throws Exception {
    Path out = tmp.resolve("g1");
    Result r = gate("--baseline", base.toString(), slowed.toString(), "--out", out.toString(), "--allow-difference", "emulator.slowdown");
    assertEquals(1, r.status(), r.out() + r.err());
    assertTrue(r.out().contains("compared although the workload differs (allowed by --allow-difference): emulator.slowdown: baseline '1.0', current '1.2'"),
        r.out());
    assertTrue(r.out().contains("regression: worse by"), r.out());
    Document xml = parse(out.resolve("junit.xml"));
    assertTrue(xml.getElementsByTagName("failure").getLength() > 0);
    assertTrue(Files.readString(out.resolve("summary.md")).contains("### Regressions"));
  }

  @Test
  void exit2WhenTheWorkloadDiffersNamingTheField() throws IOException {
    Result r = gate("--baseline", base.toString(), slowed.toString(), "--out", tmp.resolve("g2w").toString());
    assertEquals(2, r.status(), r.out() + r.err());
    assertTrue(r.out().contains("mismatched workload: emulator.slowdown: baseline '1.0', current '1.2' (compare anyway with --allow-difference emulator.slowdown)"),
        r.out());
    Path longer = VirtualRunFolder.write(tmp.resolve("other-objective"), SMOKE, Map.of("slo.e2e.p99", "25s"), 1001, 1.0);
    Result o = gate("--baseline", base.toString(), longer.toString(), "--out", tmp.resolve("g2o").toString());
    assertEquals(2, o.status(), o.out() + o.err());
    assertTrue(o.out().contains("mismatched workload: objectives.e2e.p99: baseline"), o.out());
  }

  @Test
  void aV1BaselineIsComparedAndSaysWhatItCouldNotCompare() {
    Result r = gate("--baseline", Golden.DIR.resolve("baseline-v1.json").toString(), same.toString(), "--out", tmp.resolve("gv1").toString());
    assertTrue(r.out().contains("records no workload (baseline format v1)"), r.out() + r.err());
  }

  @Test
  void exit1AlsoFromABaselineFileSavedFromTheRun() {
    Path file = tmp.resolve("baselines/smoke.json");
    var out = new ByteArrayOutputStream();
    int saved = BaselineMain.run(new String[] {"save", base.toString(), "--out", file.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    assertEquals(0, saved);
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("s00-qps8-none: "), out.toString(StandardCharsets.UTF_8));
    assertEquals(1, gate("--baseline", file.toString(), slowed.toString(), "--out", tmp.resolve("g1b").toString(),
        "--allow-difference", "emulator").status());
    assertEquals(0, gate("--baseline", file.toString(), same.toString(), "--out", tmp.resolve("g0b").toString()).status());
  }

  @Test
  void exit2OnAMismatchedScenarioNamingBothValues() throws IOException {
    Path other = VirtualRunFolder.write(tmp.resolve("other"), "quickstart", Map.of("qps", "1", "duration", "20s"), 1001, 1.0);
    Result r = gate("--baseline", base.toString(), other.toString(), "--out", tmp.resolve("g2a").toString());
    assertEquals(2, r.status(), r.out());
    assertTrue(r.out().contains("problem: mismatched scenario: scenario.name: baseline 'gate-smoke', current 'quickstart'"), r.out());
    assertTrue(r.out().contains("UNUSABLE INPUT"), r.out());
  }

  @Test
  void exit2OnAMissingStep() throws IOException {
    Path twoSteps = tmp.resolve("two-steps.json");
    Files.writeString(twoSteps, Files.readString(Path.of(SMOKE)).replaceAll("\"qps\": \\[\\s*8\\s*\\]", "\"qps\": [8, 9]"));
    Path baseline = VirtualRunFolder.write(tmp.resolve("two"), twoSteps.toString(), Map.of(), 1000, 1.0);
    Result r = gate("--baseline", baseline.toString(), same.toString(), "--out", tmp.resolve("g2b").toString());
    assertEquals(2, r.status(), r.out());
    assertTrue(r.out().contains("problem: missing step: s01-qps9-none is in the baseline but not in the current run"), r.out());
  }

  @Test
  void exit2WhenTooFewSamplesToDecideSayingHowManyAreNeeded() throws Exception {
    Path shortRun = VirtualRunFolder.write(tmp.resolve("short"), SMOKE, Map.of("duration", "10s"), 1001, 1.0);
    Path out = tmp.resolve("g2c");
    Result r = gate("--baseline", base.toString(), shortRun.toString(), "--out", out.toString());
    assertEquals(2, r.status(), r.out());
    assertTrue(r.out().contains("problem: undecided: s00-qps8-none * e2e.p99: too few samples: current has"), r.out());
    assertTrue(r.out().contains("p99 needs >= 300"), r.out());
    Document xml = parse(out.resolve("junit.xml"));
    assertTrue(xml.getElementsByTagName("error").getLength() > 0, "unusable input is a JUnit error");
  }

  @Test
  void exit2OnAPartialRun() throws IOException {
    Path partial = tmp.resolve("partial");
    copyTree(same, partial);
    Path json = partial.resolve("run.json");
    Files.writeString(json, Files.readString(json).replace("\"status\" : \"complete\"", "\"status\" : \"running\""));
    Result r = gate("--baseline", base.toString(), partial.toString(), "--out", tmp.resolve("g2d").toString());
    assertEquals(2, r.status(), r.out());
    assertTrue(r.out().contains("did not complete"), r.out());
  }

  @Test
  void exit2OnBadInputWithOneLineNamingTheFlagOrFile() {
    Result noBaseline = gate(same.toString());
    assertEquals(2, noBaseline.status());
    assertEquals("capkit gate: --baseline is required (a run folder or a baseline file)\n", noBaseline.err());
    Result badTolerance = gate("--baseline", base.toString(), same.toString(), "--tolerance", "errors=5%");
    assertEquals(2, badTolerance.status());
    assertTrue(badTolerance.err().contains("'errors=5%': a rate tolerance is in percentage points such as 0.5pp"), badTolerance.err());
    Result notARun = gate("--baseline", base.toString(), tmp.resolve("nowhere").toString());
    assertEquals(2, notARun.status());
    assertTrue(notARun.err().contains("nowhere: not a capkit run folder (no run.json)"), notARun.err());
    Path junk = tmp.resolve("junk.json");
    Result badFile;
    try {
      Files.writeString(junk, "{\"capkitBaseline\": 9}");
      badFile = gate("--baseline", junk.toString(), same.toString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertEquals(2, badFile.status());
    assertTrue(badFile.err().contains("junk.json: field 'capkitBaseline' is 9; this capkit reads versions 1 and 2"), badFile.err());
    assertEquals(2, gate("--baseline", base.toString(), same.toString(), "--confidence", "2").status());
    Result unknown = gate("--baseline", base.toString(), same.toString(), "--frobnicate", "1");
    assertEquals(2, unknown.status());
    assertTrue(unknown.err().contains("unknown option '--frobnicate' (known: --allow-difference, --baseline, --confidence, --out, --tolerance)"), unknown.err());
  }

  @Test
  void baselineSaveRefusesBadInput() {
    var err = new ByteArrayOutputStream();
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    assertEquals(2, BaselineMain.run(new String[] {"save", base.toString()}, System.out, e));
    assertEquals(2, BaselineMain.run(new String[] {"keep", base.toString()}, System.out, e));
    assertEquals(2, BaselineMain.run(new String[] {"save", tmp.resolve("nowhere").toString(), "--out", tmp.resolve("x.json").toString()}, System.out, e));
    String text = err.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("--out is required (e.g. --out baselines/"), text);
    assertTrue(text.contains("unknown subcommand 'keep' (known: save)"), text);
  }

  /** The JUnit XML shape CI systems read: counts agree with the elements, one testcase per comparison. */
  @Test
  void junitXmlShape() throws Exception {
    Path out = tmp.resolve("gx");
    gate("--baseline", base.toString(), slowed.toString(), "--out", out.toString(), "--allow-difference", "emulator.slowdown");
    GateVerdict v = GateMain.judge(base, slowed, Tolerance.defaults(), 0.95, List.of("emulator.slowdown"));
    Document xml = parse(out.resolve("junit.xml"));
    Element suites = xml.getDocumentElement();
    assertEquals("testsuites", suites.getTagName());
    NodeList suiteList = suites.getElementsByTagName("testsuite");
    assertEquals(1, suiteList.getLength());
    Element suite = (Element) suiteList.item(0);
    NodeList cases = suite.getElementsByTagName("testcase");
    assertEquals(v.comparisons().size() + v.problems().size(), cases.getLength());
    assertEquals(Integer.toString(cases.getLength()), suite.getAttribute("tests"));
    assertEquals(Integer.toString(suite.getElementsByTagName("failure").getLength()), suite.getAttribute("failures"));
    assertEquals(Integer.toString(suite.getElementsByTagName("skipped").getLength()), suite.getAttribute("skipped"));
    assertEquals(Integer.toString(suite.getElementsByTagName("error").getLength()), suite.getAttribute("errors"));
    assertEquals(v.regressions().size(), suite.getElementsByTagName("failure").getLength());
    for (int i = 0; i < cases.getLength(); i++) {
      Element c = (Element) cases.item(i);
      assertTrue(c.getAttribute("classname").startsWith("capkit.gate"), c.getAttribute("classname"));
      assertTrue(!c.getAttribute("name").isEmpty());
    }
    Element failure = (Element) suite.getElementsByTagName("failure").item(0);
    assertEquals("regression", failure.getAttribute("type"));
    assertTrue(failure.getTextContent().contains("CI ["), failure.getTextContent());
    List<String> props = List.of("baseline", "current", "method", "confidence", "exitCode");
    NodeList p = suite.getElementsByTagName("property");
    assertEquals(props.size(), p.getLength());
    assertEquals("1", ((Element) p.item(4)).getAttribute("value"));
  }

  static Document parse(Path file) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (var paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()));
      }
    }
  }
}
