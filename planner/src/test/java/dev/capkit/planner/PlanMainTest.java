package dev.capkit.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capkit.planner.capacity.ErlangC;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: a plan from a run folder, and bad input answered with exit 2 and the file, field and value. */
class PlanMainTest {
  @TempDir
  static Path tmp;
  static Path run;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void run() throws Exception {
    double analytic = ErlangC.maxArrivalRate(4, 1.0, 2.0, 0.99);
    run = SyntheticRuns.mmc(tmp.resolve("mmc-a"), "mmc", "gn7e-c16g1.4xlarge", 4, 1.0,
        SyntheticRuns.scaled(analytic, 0.6, 0.8, 1.0, 1.2), 1_000, 5);
  }

  record Outcome(int status, String out, String err) {}

  static Outcome plan(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = PlanMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void plansAndWritesTheThreeFiles() throws Exception {
    Path out = tmp.resolve("out");
    Outcome o = plan(run.toString(), "--target-qps", "5", "--slo", "ttft.p99=2s", "--no-predict", "--out", out.toString());
    assertEquals(0, o.status(), o.err());
    assertTrue(o.out().contains("| 1 | gn7e-c16g1.4xlarge | A100-80GB |"), o.out());
    assertTrue(o.out().contains("recommendation: gn7e-c16g1.4xlarge"), o.out());
    assertTrue(Files.exists(out.resolve("plan.json")) && Files.exists(out.resolve("plan.md"))
        && Files.exists(out.resolve("recommended-tier.yaml")));
    assertEquals(3, JSON.readTree(out.resolve("plan.json").toFile()).get("capkitPlan").asInt());
    assertTrue(o.out().startsWith("Measured plan:"), o.out());
  }

  @Test
  void refusesACorruptRunNamingTheFileInTheMiddleAndAtTheEnd() throws Exception {
    for (boolean atEnd : new boolean[] {false, true}) {
      Path copy = tmp.resolve(atEnd ? "corrupt-end" : "corrupt-middle");
      try (var files = Files.walk(run)) {
        for (Path f : files.toList()) {
          Path t = copy.resolve(run.relativize(f).toString());
          if (Files.isDirectory(f)) {
            Files.createDirectories(t);
          } else {
            Files.copy(f, t);
          }
        }
      }
      Path log; // E2E from the intended send time: the planner always reads it for an open-loop run
      try (var steps = Files.list(copy.resolve("steps"))) {
        log = steps.sorted().skip(1).findFirst().orElseThrow().resolve("e2e-intended.hlog");
      }
      // the synthetic run's clock stands still: one interval line per log, so "middle" damages that
      // line's payload in its middle and "end" cuts the file's last bytes
      java.util.List<String> lines = new java.util.ArrayList<>(Files.readAllLines(log));
      int i = lines.size() - 1;
      String l = lines.get(i);
      lines.set(i, atEnd ? l.substring(0, l.length() - 10) : l.substring(0, l.length() / 2) + "!!" + l.substring(l.length() / 2 + 2));
      Files.writeString(log, String.join("\n", lines) + (atEnd ? "" : "\n"));
      Outcome o = plan(copy.toString(), "--target-qps", "5", "--no-predict", "--out", tmp.resolve("out-corrupt").toString());
      assertEquals(2, o.status(), o.out() + o.err());
      assertTrue(o.err().contains("refusing to plan on a corrupt run: " + log + ": line " + (i + 1)), o.err());
    }
  }

  @Test
  void plansA10Bf16WithTunedVllmKnobsAndSaysWhatTheyCost() throws Exception {
    Path plain = tmp.resolve("a10-plain");
    Outcome refused = plan(run.toString(), "--target-qps", "1", "--slo", "ttft.p99=30s", "--tiers", "gn7i-c8g1.2xlarge",
        "--no-alt-dtypes", "--dtype", "bf16", "--out", plain.toString());
    assertEquals(0, refused.status(), refused.err());
    assertTrue(refused.out().contains("| gn7i-c8g1.2xlarge | A10 | 22 GB | bf16 | **no**"), refused.out());
    assertTrue(refused.out().contains("or bf16 at gpu_memory_utilization 0.95 with max_model_len <= 17408"), refused.out());

    Path tuned = tmp.resolve("a10-tuned");
    Outcome o = plan(run.toString(), "--target-qps", "1", "--slo", "ttft.p99=30s", "--tiers", "gn7i-c8g1.2xlarge",
        "--no-alt-dtypes", "--vllm", "gpu_memory_utilization=0.95,max_model_len=17408", "--out", tuned.toString());
    assertEquals(0, o.status(), o.err());
    assertTrue(o.out().contains("| gn7i-c8g1.2xlarge | A10 | 22 GB | bf16 | yes |"), o.out());
    String md = Files.readString(tuned.resolve("plan.md"));
    assertTrue(md.contains("vLLM gpu_memory_utilization 0.95, max_model_len 17408") && md.contains("KV room 18,368 tokens = 4 concurrent"
        + " screenshot steps; prompt + max_tokens above 17408 refused"), md);
    Outcome bad = plan(run.toString(), "--target-qps", "1", "--vllm", "gpu_memory_utilisation=0.95");
    assertEquals(2, bad.status());
    assertTrue(bad.err().contains("--vllm: unknown vLLM knob 'gpu_memory_utilisation'"), bad.err());
  }

  @Test
  void predictedRowsOnTheProfilesGpuUseItAndNameItWithItsFitError() throws Exception {
    Path profile = tmp.resolve("a10-profile.json");
    Files.writeString(profile, "{\"format\": \"capkit.calibration/1\", \"name\": \"a10-fit\", \"gpu\": \"A10\","
        + " \"coefficients\": {\"mfu\": 0.3, \"step_overhead_ms\": 5}, \"serving\": {\"max_num_seqs\": \"8\"},"
        + " \"fit\": {\"median_abs_error\": 0.07, \"max_abs_error\": 0.2, \"figures\": 12}}");
    Path out = tmp.resolve("a10-profile");
    Outcome o = plan(run.toString(), "--target-qps", "1", "--slo", "ttft.p99=30s", "--tiers", "gn7i-c8g1.2xlarge,gn7e-c16g1.4xlarge",
        "--dtype", "fp8", "--profile", profile.toString(), "--out", out.toString());
    assertEquals(0, o.status(), o.err());
    String md = Files.readString(out.resolve("plan.md"));
    assertTrue(md.contains("calibration profile 'a10-fit' (" + profile + ", fitted on A10, fit error median 7.0%, max 20.0% over 12"
        + " figures) sets mfu, step_overhead_ms"), md);
    assertTrue(md.contains("max_num_seqs 8"), "the profile's scheduler limit is applied: " + md);
    Outcome bad = plan(run.toString(), "--target-qps", "1", "--profile", tmp.resolve("nope.json").toString());
    assertEquals(2, bad.status());
    assertTrue(bad.err().contains("--profile: ") && bad.err().contains("nope.json"), bad.err());
  }

  @Test
  void multiGpuTierIsPlannedWithItsTensorParallelDegree() throws Exception {
    Outcome o = plan(run.toString(), "--target-qps", "5", "--slo", "ttft.p99=30s", "--tiers", "gn7e-c16g1.16xlarge",
        "--out", tmp.resolve("tp4").toString());
    assertEquals(0, o.status(), o.err());
    assertTrue(o.out().contains("| gn7e-c16g1.16xlarge | 4x A100-80GB (TP 4) |"), o.out());
    String md = Files.readString(tmp.resolve("tp4").resolve("plan.md"));
    assertTrue(md.contains("tensor_parallel_size 4 over nvlink"), md);
  }

  @Test
  void missingFolderTargetAndBadFlagsExitTwoNamingTheInput() {
    Outcome missing = plan(tmp.resolve("nope").toString(), "--target-qps", "5");
    assertEquals(2, missing.status());
    assertTrue(missing.err().contains("nope: run folder does not exist"), missing.err());
    Outcome noTarget = plan(run.toString());
    assertEquals(2, noTarget.status());
    assertTrue(noTarget.err().contains("--target-qps is required"), noTarget.err());
    Outcome badNumber = plan(run.toString(), "--target-qps", "lots");
    assertEquals(2, badNumber.status());
    assertTrue(badNumber.err().contains("--target-qps 'lots' is not a number"), badNumber.err());
    Outcome typo = plan(run.toString(), "--target-qps", "5", "--headrom", "0.2");
    assertEquals(2, typo.status());
    assertTrue(typo.err().contains("unknown option '--headrom' (known: --allow-fault-hooks, --catalog, --dtype, --headroom"), typo.err());
    Outcome badSlo = plan(run.toString(), "--target-qps", "5", "--slo", "e2e.p99=fast");
    assertEquals(2, badSlo.status());
    assertTrue(badSlo.err().contains("objective 'e2e.p99': 'fast' is not a duration"), badSlo.err());
    Outcome badHeadroom = plan(run.toString(), "--target-qps", "5", "--headroom", "1.5");
    assertEquals(2, badHeadroom.status());
    assertTrue(badHeadroom.err().contains("--headroom: expected a share in [0, 1), got 1.5"), badHeadroom.err());
    Outcome badTier = plan(run.toString(), "--target-qps", "5", "--tiers", "gn99");
    assertEquals(2, badTier.status());
    assertTrue(badTier.err().contains("unknown tier 'gn99'"), badTier.err());
  }

  @Test
  void prometheusOptionsAreCheckedBeforePlanning() {
    Outcome sinceAlone = plan(run.toString(), "--target-qps", "5", "--since", "7d");
    assertEquals(2, sinceAlone.status());
    assertTrue(sinceAlone.err().contains("--since: only used with --prometheus URL"), sinceAlone.err());
    Outcome notHttp = plan(run.toString(), "--target-qps", "5", "--prometheus", "prometheus:9090");
    assertEquals(2, notHttp.status());
    assertTrue(notHttp.err().contains("--prometheus: 'prometheus:9090' is not an http(s) URL"), notHttp.err());
    Outcome badWindow = plan(run.toString(), "--target-qps", "5", "--prometheus", "http://127.0.0.1:9", "--since", "a week");
    assertEquals(2, badWindow.status());
    assertTrue(badWindow.err().contains("--since: 'a week' is not a window (use e.g. 7d, 36h, 90m)"), badWindow.err());
    Outcome badSeries = plan(run.toString(), "--target-qps", "5", "--prometheus", "http://127.0.0.1:9", "--series", "dcgm");
    assertEquals(2, badSeries.status());
    assertTrue(badSeries.err().contains("--series: unknown series source 'dcgm' (known: process, cadvisor)"), badSeries.err());
    Outcome badSelector = plan(run.toString(), "--target-qps", "5", "--prometheus", "http://127.0.0.1:9", "--selector", "pod=x");
    assertEquals(2, badSelector.status());
    assertTrue(badSelector.err().contains("--selector: 'pod=x' is not a label selector"), badSelector.err());
    Outcome unreachable = plan(run.toString(), "--target-qps", "5", "--prometheus", "http://127.0.0.1:9");
    assertEquals(2, unreachable.status());
    assertTrue(unreachable.err().contains("--prometheus: cannot query http://127.0.0.1:9 (process_cpu_seconds_total[604800s])"),
        unreachable.err());
  }

  /** Sizing from a history: its source (queries, window) is the container basis' first line in plan.json. */
  @Test
  void historySizesTheContainerAndTheQueryIsRecorded() throws Exception {
    java.util.List<dev.capkit.core.results.ServerSample> samples = ContainerSizingTest.fixed();
    var history = new dev.capkit.core.prometheus.ServerHistory(samples,
        "Prometheus http://prom:9090: process_cpu_seconds_total{pod=\"vllm-0\"}[604800s] and ... at 2026-12-01T00:00:00Z");
    PlanResult p = Planner.planRuns(java.util.List.of(run), PlanOptions.defaults(5).withPredict(false)
        .withSlos(SloTarget.parseList("ttft.p99=2s")), history);
    assertTrue(p.pod().measured());
    assertEquals("server samples: " + history.source(), p.pod().basis().get(0));
    assertTrue(p.warnings().stream().anyMatch(w -> w.startsWith("container CPU/memory come from Prometheus history")), p.warnings().toString());
    assertTrue(p.warnings().stream().noneMatch(w -> w.contains("taken while the runs offered")), p.warnings().toString());
    String json = dev.capkit.planner.output.PlanJson.render(p);
    assertTrue(json.contains("[604800s]"), json);
  }

  @Test
  void notARunFolderAndUnknownTierInRunJson() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Outcome o = plan(empty.toString(), "--target-qps", "5");
    assertEquals(2, o.status());
    assertTrue(o.err().contains("not a capkit run folder (no run.json)"), o.err());

    Path other = copy(run, tmp.resolve("unknown-tier"));
    ObjectNode root = (ObjectNode) JSON.readTree(other.resolve("run.json").toFile());
    ((ObjectNode) root.get("target")).put("tier", "gn99.huge");
    JSON.writeValue(other.resolve("run.json").toFile(), root);
    Outcome t = plan(other.toString(), "--target-qps", "5");
    assertEquals(2, t.status());
    assertTrue(t.err().contains("run.json: field 'target.tier': unknown tier 'gn99.huge' (tiers.json knows: gn6i-c4g1.xlarge"), t.err());
  }

  @Test
  void runsAgainstTheInstantEmulatorAreNotCapacityMeasurements() throws Exception {
    Path instant = copy(run, tmp.resolve("instant"));
    ObjectNode root = (ObjectNode) JSON.readTree(instant.resolve("run.json").toFile());
    ((ObjectNode) root.get("target").get("emulator")).put("profile", "instant");
    JSON.writeValue(instant.resolve("run.json").toFile(), root);
    Outcome o = plan(instant.toString(), "--target-qps", "5", "--no-predict");
    assertEquals(2, o.status());
    assertTrue(o.err().contains("field 'target.emulator.profile' is 'instant'"), o.err());
  }

  @Test
  void mixedScenariosAreRefusedAndPartialRunsWarned() throws Exception {
    Path other = copy(run, tmp.resolve("other-scenario"));
    ObjectNode root = (ObjectNode) JSON.readTree(other.resolve("run.json").toFile());
    ((ObjectNode) root.get("scenario")).put("name", "release-gate");
    JSON.writeValue(other.resolve("run.json").toFile(), root);
    Outcome o = plan(run.toString(), other.toString(), "--target-qps", "5", "--no-predict");
    assertEquals(2, o.status());
    assertTrue(o.err().contains("field 'scenario.name' is 'release-gate' but"), o.err());

    Path partial = copy(run, tmp.resolve("partial"));
    root = (ObjectNode) JSON.readTree(partial.resolve("run.json").toFile());
    root.put("status", "running");
    ((com.fasterxml.jackson.databind.node.ArrayNode) root.get("steps")).remove(3);
    JSON.writeValue(partial.resolve("run.json").toFile(), root);
    Outcome p = plan(partial.toString(), "--target-qps", "5", "--slo", "ttft.p99=2s", "--no-predict", "--out", tmp.resolve("p").toString());
    assertEquals(0, p.status(), p.err());
    assertTrue(p.out().contains("warning: run mmc-a is partial (status 'running'): planned from its 3 finished step(s); unfinished: s03"),
        p.out());
  }

  @Test
  void undefinedBecauseNeverCrossedOrCrossedAtFirstStep() throws Exception {
    Outcome lenient = plan(run.toString(), "--target-qps", "5", "--slo", "ttft.p99=1h", "--no-predict", "--out", tmp.resolve("l").toString());
    assertEquals(0, lenient.status(), lenient.err());
    assertTrue(lenient.out().contains(">= "), lenient.out());
    assertTrue(lenient.out().contains("replicas are sized from a LOWER BOUND"), lenient.out());
    Outcome strict = plan(run.toString(), "--target-qps", "5", "--slo", "ttft.p99=1ms", "--no-predict", "--out", tmp.resolve("s").toString());
    assertEquals(0, strict.status(), strict.err());
    assertTrue(strict.out().contains("no recommendation"), strict.out());
    String md = Files.readString(tmp.resolve("s").resolve("plan.md"));
    assertTrue(md.contains("undefined, because ttft.p99 is crossed at the first step"), md);
  }

  @Test
  void stepsUnderAnotherNetworkProfileAreLeftOut() throws Exception {
    Path other = copy(run, tmp.resolve("with-vpc"));
    ObjectNode root = (ObjectNode) JSON.readTree(other.resolve("run.json").toFile());
    ((ObjectNode) root.get("steps").get(1)).put("network", "vpc-20ms");
    JSON.writeValue(other.resolve("run.json").toFile(), root);
    Outcome o = plan(other.toString(), "--target-qps", "5", "--slo", "ttft.p99=2s", "--no-predict", "--out", tmp.resolve("n").toString());
    assertEquals(0, o.status(), o.err());
    assertTrue(o.out().contains("warning: planned from the steps under network profile 'none'; steps under vpc-20ms were left out"),
        o.out());
    assertEquals(3, JSON.readTree(tmp.resolve("n").resolve("plan.json").toFile()).get("tiers").get(0).get("steps").asInt());
  }

  private static Path copy(Path from, Path to) throws Exception {
    try (var files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return to;
  }
}
