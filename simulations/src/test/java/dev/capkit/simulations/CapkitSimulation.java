package dev.capkit.simulations;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exitHereIf;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import dev.capkit.core.results.SloVerdict;
import dev.capkit.core.results.StepSummary;
import dev.capkit.core.scenario.LoadShape;
import dev.capkit.core.scenario.RequestMix;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.Slo;
import dev.capkit.core.scenario.StepPlan;
import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ClosedInjectionStep;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * capkit's main job: the scenario named by {@code -Dcapkit.scenario} (default {@code quickstart})
 * against {@code -Dcapkit.target} (default: the embedded emulator). Reads like a storyboard:
 * prepare the run, one chat action per user (open loop: one planned arrival each; closed loop: an
 * agent's task of several steps with think time), a population per load shape, SLOs as assertions,
 * and at the end the results folder and the verdict.
 *
 * <pre>
 * mvn gatling:test                                          # quickstart on the emulator
 * mvn gatling:test -Dcapkit.scenario=release-gate -Dcapkit.target=http://10.0.0.5:8000 -Dcapkit.tier=gn7i-c8g1.2xlarge
 * mvn gatling:test -Dcapkit.qps=5 -Dcapkit.duration=30s     # one quick step at 5 requests/s
 * </pre>
 */
public class CapkitSimulation extends Simulation {
  protected final RunSetup setup = RunSetup.prepareOrExplain(System.getProperties(), System.getenv(), System.out);
  private final MainJob job = new MainJob(setup);
  private final Scenario plan = setup.scenario();
  private final JavaActionBuilder chat =
      new JavaActionBuilder((stats, next) -> new ChatAction("chat", setup.source(), stats, next));
  private final ScenarioBuilder closer = scenario("close steps")
      .exec(new JavaActionBuilder((stats, next) -> new AwaitStepsAction(() -> completeRun(stats), next)));

  private final ScenarioBuilder openLoop = scenario("open-loop arrivals").exec(chat);

  private final JavaActionBuilder probes =
      new JavaActionBuilder((stats, next) -> new ProbeDispatchAction(setup.dispatcher(), stats, next));

  /** A capacity search (load.search): one user whose action sends every probe's load until the search is over. */
  private ScenarioBuilder search() {
    return scenario("capacity search").exec(probes);
  }

  private ScenarioBuilder agents(LoadShape.Closed closed) {
    // a task's length and think times: the scenario's, or a recorded session's / conversation's own
    return scenario("phone agents")
        .repeat(session -> setup.source().turnsOfTask(session.userId())).on(
            exitHereIf(session -> setup.run().started() && setup.run().over(System.nanoTime()))
                .exec(chat)
                .pause(session -> setup.source().thinkAfter(session.userId(), turnsDone(session) - 1)));
  }

  private static int turnsDone(io.gatling.javaapi.core.Session session) {
    return session.contains(RequestSource.TURN_KEY) ? session.getInt(RequestSource.TURN_KEY) : 0;
  }

  {
    setup.run().onStepClosed(this::reportObjectives);
    PopulationBuilder population = setup.dispatcher() != null
        ? search().injectOpen(atOnceUsers(1))
        : plan.load() instanceof LoadShape.Closed closed
        ? agents(closed).injectClosed(closedSteps(closed))
        : openLoop.injectOpen(openSteps(setup.schedule()));
    setUp(population, closer.injectOpen(atOnceUsers(1))).assertions(assertions());
  }

  /** Every second of the plan: inject exactly the users whose arrivals fall in it. */
  private static OpenInjectionStep[] openSteps(ArrivalSchedule schedule) {
    List<OpenInjectionStep> steps = new ArrayList<>();
    for (int users : schedule.usersPerSecond()) {
      if (users > 0) {
        steps.add(atOnceUsers(users));
      }
      steps.add(nothingFor(Duration.ofSeconds(1)));
    }
    return steps.toArray(OpenInjectionStep[]::new);
  }

  private ClosedInjectionStep[] closedSteps(LoadShape.Closed closed) {
    List<ClosedInjectionStep> steps = new ArrayList<>();
    if (!closed.warmup().isZero()) { // the warm-up (not recorded) runs the first step's agents
      steps.add(constantConcurrentUsers(setup.share().agents((int) plan.steps().get(0).offered())).during(closed.warmup()));
    }
    for (StepPlan s : plan.steps()) {
      // all of them unless -Dcapkit.injector=i/N (RunSetup refuses a share with no agents)
      steps.add(constantConcurrentUsers(setup.share().agents((int) s.offered())).during(s.duration()));
    }
    return steps.toArray(ClosedInjectionStep[]::new);
  }

  /**
   * SLOs as Gatling assertions on named requests (E2E as the kind's name, TTFT as "kind ttft"),
   * over the whole run. capkit also judges every step itself at the end (see {@link #after()}).
   */
  private List<Assertion> assertions() {
    List<Assertion> out = new ArrayList<>();
    out.add(global().allRequests().count().gt(0L));
    if (job.gated()) {
      out.add(details("regression gate").failedRequests().count().is(0L));
    }
    if (!plan.slo().failBuild()) {
      return out;
    }
    for (RequestMix kind : plan.mix()) {
      if (!job.expectsRequestsOf(kind.kind())) {
        continue;
      }
      for (Slo slo : plan.slo().latency()) {
        int ms = (int) Math.max(1, slo.threshold().toMillis());
        switch (slo.metric()) {
          case "e2e" -> out.add(details(kind.kind()).responseTime().percentile(slo.percentile()).lt(ms));
          case "ttft" -> {
            if (kind.stream()) {
              out.add(details(kind.kind() + " ttft").responseTime().percentile(slo.percentile()).lt(ms));
            }
          }
          default -> { } // TPOT and ITL are not response times Gatling knows: see reportObjectives
        }
      }
      out.add(details(kind.kind()).failedRequests().percent().lte(plan.slo().maxErrorRate() * 100));
    }
    out.add(details("objective errors").failedRequests().count().is(0L));
    for (Slo slo : plan.slo().latency()) {
      out.add(details("objective " + slo.key()).failedRequests().count().is(0L));
    }
    return out;
  }

  /**
   * capkit judges every objective on every step from its own histograms (TPOT and ITL included,
   * which Gatling cannot see) and reports each verdict to Gatling as a zero-length event named
   * {@code objective <key>}, KO when broken, so that a Gatling assertion fails the build with the
   * objective's name while Gatling's report and assertions still run to the end.
   */
  private void reportObjectives(StepSummary step) {
    io.gatling.core.stats.StatsEngine stats = chat.statsEngine() != null ? chat.statsEngine() : probes.statsEngine();
    if (stats == null) {
      return;
    }
    long now = System.currentTimeMillis();
    String scenarioName = scenarioName();
    for (SloVerdict v : step.slo()) {
      String message = step.id() + " " + StepTable.verdict(v);
      stats.logResponse(scenarioName, scala.collection.immutable.List$.MODULE$.empty(), "objective " + v.key(), now, now,
          v.met() ? io.gatling.commons.stats.OK$.MODULE$ : io.gatling.commons.stats.KO$.MODULE$,
          scala.Option.empty(), v.met() ? scala.Option.empty() : scala.Option.apply(message));
    }
  }

  /**
   * Run by the closer user once load is over: completes the run and, when {@code -Dcapkit.baseline}
   * is set, reports the regression gate's verdict to Gatling as the event {@code regression gate}
   * (KO on a regression or unusable input), which an assertion turns into a failed build.
   */
  private void completeRun(io.gatling.core.stats.StatsEngine stats) {
    MainJob.Completion c = job.complete(getClass().getSimpleName(), System.out);
    if (job.gated()) {
      long now = System.currentTimeMillis();
      String message = c.gate() == 1 ? "regression (exit 1): see gate/gate.txt in the run folder"
          : "unusable input (exit 2): see the gate's message above";
      stats.logResponse(scenarioName(), scala.collection.immutable.List$.MODULE$.empty(), "regression gate", now, now,
          c.gate() == 0 ? io.gatling.commons.stats.OK$.MODULE$ : io.gatling.commons.stats.KO$.MODULE$,
          scala.Option.empty(), c.gate() == 0 ? scala.Option.empty() : scala.Option.apply(message));
    }
  }

  private String scenarioName() {
    if (setup.dispatcher() != null) {
      return "capacity search";
    }
    return plan.load() instanceof LoadShape.Closed ? "phone agents" : "open-loop arrivals";
  }

  @Override
  public void after() {
    job.finish(System.out, getClass().getSimpleName());
  }
}
