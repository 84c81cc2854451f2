package dev.capkit.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capkit.core.results.Outcome;
import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.scenario.ClientTimeouts;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.ScenarioLoader;
import dev.capkit.core.search.ObjectiveCheck;
import dev.capkit.emulator.EmbeddedEmulator;
import dev.capkit.emulator.EmulatorOptions;
import dev.capkit.loadgen.ChatClient;
import dev.capkit.loadgen.ChatEndpoint;
import dev.capkit.loadgen.ChatRequest;
import dev.capkit.loadgen.PhoneStepRequests;
import dev.capkit.loadgen.ScreenshotPool;
import dev.capkit.planner.search.AgentPrompt;
import dev.capkit.planner.search.VirtualAgentRunner;
import dev.capkit.twin.Profile;
import dev.capkit.twin.ServingPlan;
import dev.capkit.twin.catalog.Catalog;
import dev.capkit.twin.physics.Dtype;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The virtual agents runner prefills what an emulated agents search sends: capkit's phone-agent
 * steps (as {@code AgentDispatcher} builds them: one session per task instance, 8 tasks, turns 1-10)
 * are sent one after another to the emulator, which reports each step's prompt
 * tokens ({@code usage.prompt_tokens}) and the tokens its prefix cache served
 * ({@code vllm:prefix_cache_hits_total} from {@code /metrics}); one virtual agent doing the same 8
 * tasks of 10 steps through {@link AgentPrompt} on the twin must give the same means within 1%.
 * The runner's earlier prompt model (2,250 text tokens, 650 cached) was 44% short of the emulated
 * Chinese prompt and prefilled ~1,600 more uncached tokens per step: this test fails on it.
 *
 * <p>Eight sessions, more than capkit's generated pool has screenshots (4): a session's first step
 * carries its screenshot before the session's text, so before each request's pixels were stamped
 * ({@code StampedScreenshot}) the fifth session's first step shared system prompt and screenshot with
 * the first one's and the emulator served its 3,356 image tokens from cache (168 more cached tokens
 * per step than the virtual runner, which gives every step its own screen, as real phones do): this
 * test fails on that load too.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VirtualAgentPromptParityTest {
  private static final int TASKS = 8;
  private static final int STEPS = 10;

  @Test
  void chineseStepsAsTheAgentsSearchSendsThem() throws Exception {
    Scenario scenario = ScenarioLoader.load(ScenarioLoader.resolve("agents-search", Path.of("../scenarios")), Map.of());
    RequestFactory factory = new RequestFactory(scenario);
    assertParity("zh", factory::forAgentTurn);
  }

  @Test
  void englishSteps() throws Exception {
    PhoneStepRequests steps = new PhoneStepRequests("phone-step", "autoglm-phone-9b", PhoneStepRequests.Language.EN,
        PhoneStepRequests.DEFAULT_MAX_TOKENS, ScreenshotPool.of(1080, 2400));
    assertParity("en", (task, turn) -> steps.step((int) (task % steps.taskCount()), turn, task));
  }

  private static void assertParity(String language, BiFunction<Long, Integer, ChatRequest> step) throws Exception {
    double[] emulated = emulated(step);
    ServingPlan plan = ServingPlan.resolve(Catalog.load(null), "gn7e-c16g1.4xlarge", "autoglm-phone-9b", Dtype.BF16, 0);
    VirtualAgentRunner runner = new VirtualAgentRunner(plan, java.util.List.<ObjectiveCheck>of(), 1.0, STEPS,
        AgentPrompt.openAutoGlm(language), 1);
    VirtualAgentRunner.StepFigures virtual = runner.simulate(1, 0, TASKS * STEPS, 1e9, Map.of(), 1).steps();
    System.out.printf(Locale.ROOT, "%s phone steps (%d tasks x %d turns): prompt tokens emulated %.1f / virtual %.1f,"
        + " from the prefix cache emulated %.1f / virtual %.1f (means per step)%n", language, TASKS, STEPS, emulated[0],
        virtual.meanPromptTokens(), emulated[1], virtual.meanCachedTokens());
    assertEquals(TASKS * STEPS, virtual.steps());
    assertEquals(emulated[0], virtual.meanPromptTokens(), 0.01 * emulated[0], "mean prompt tokens per step");
    assertEquals(emulated[1], virtual.meanCachedTokens(), 0.01 * emulated[1], "mean prompt tokens served from the prefix cache");
    double uncachedEmulated = emulated[0] - emulated[1];
    double uncachedVirtual = virtual.meanPromptTokens() - virtual.meanCachedTokens();
    assertEquals(uncachedEmulated, uncachedVirtual, 0.02 * uncachedEmulated, "mean prompt tokens prefilled per step");
  }

  /** {mean prompt tokens, mean prefix-cache hits} per step of 8 sessions x 10 steps sent one by one. */
  private static double[] emulated(BiFunction<Long, Integer, ChatRequest> step) throws Exception {
    try (EmbeddedEmulator emu = EmbeddedEmulator.start(EmulatorOptions.defaults().withProfile(Profile.INSTANT));
        ChatClient client = new ChatClient(new ChatEndpoint(emu.baseUri(), emu.modelName(), null,
            new ClientTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(30))), 1)) {
      double prompt = 0;
      for (long task = 0; task < TASKS; task++) {
        for (int turn = 0; turn < STEPS; turn++) {
          RequestRecord r = client.send(step.apply(task, turn), 0).get(30, TimeUnit.SECONDS);
          assertEquals(Outcome.OK, r.outcome(), r.error());
          prompt += r.promptTokens();
        }
      }
      String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(emu.baseUri() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      double hits = metrics.lines().filter(l -> l.startsWith("vllm:prefix_cache_hits_total"))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
      return new double[] {prompt / (TASKS * STEPS), hits / (TASKS * STEPS)};
    }
  }
}
